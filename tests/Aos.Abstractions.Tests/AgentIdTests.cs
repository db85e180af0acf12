using System.Text.Json;

namespace Aos.Abstractions.Tests;

public sealed class AgentIdTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("invoice-clerk.eu_1")]
    [InlineData("ABC.def-123_x")]
    public void Parse_ValidId_KeepsTheText(string text)
    {
        var id = AgentId.Parse(text);

        Assert.Equal(text, id.Value);
        Assert.Equal(text, id.ToString());
    }

    [Fact]
    public void Parse_MaxLengthId_Succeeds()
    {
        var text = new string('a', AgentId.MaxLength);

        Assert.Equal(text, AgentId.Parse(text).Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_Empty_ThrowsSayingAnIdIsRequired(string? text)
    {
        var error = Assert.Throws<AosValidationException>(() => AgentId.Parse(text));

        Assert.Contains("required", error.Message, StringComparison.Ordinal);
        Assert.Contains("[A-Za-z0-9._-]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TooLong_ThrowsGivingLengthAndLimit()
    {
        var error = Assert.Throws<AosValidationException>(() => AgentId.Parse(new string('a', AgentId.MaxLength + 1)));

        Assert.Contains("129 characters", error.Message, StringComparison.Ordinal);
        Assert.Contains("limit is 128", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has space", " ")]
    [InlineData("slash/inside", "/")]
    [InlineData("colon:x", ":")]
    [InlineData("émile", "é")]
    public void Parse_BadCharacter_ThrowsNamingTheCharacter(string text, string bad)
    {
        var error = Assert.Throws<AosValidationException>(() => AgentId.Parse(text));

        Assert.Contains($"contains '{bad}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ControlCharacter_DoesNotEchoIt()
    {
        var error = Assert.Throws<AosValidationException>(() => AgentId.Parse("bell\a"));

        Assert.DoesNotContain("\a", error.Message, StringComparison.Ordinal);
        Assert.Contains("contains '?'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Invalid_ReturnsFalseWithReason()
    {
        Assert.False(AgentId.TryParse("a b", out var id, out var error));
        Assert.Equal(default, id);
        Assert.NotNull(error);
        Assert.False(AgentId.TryParse("a b", out _));
    }

    [Fact]
    public void Equality_IsOrdinalAndCaseSensitive()
    {
        Assert.Equal(AgentId.Parse("agent"), AgentId.Parse("agent"));
        Assert.NotEqual(AgentId.Parse("agent"), AgentId.Parse("Agent"));
    }

    [Fact]
    public void Json_RoundTripsAsString()
    {
        var json = JsonSerializer.Serialize(AgentId.Parse("agent-1"));

        Assert.Equal("\"agent-1\"", json);
        Assert.Equal(AgentId.Parse("agent-1"), JsonSerializer.Deserialize<AgentId>(json));
    }

    [Fact]
    public void Json_InvalidId_ThrowsWithReason()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AgentId>("\"a b\""));

        Assert.Contains("contains ' '", error.Message, StringComparison.Ordinal);
    }
}
