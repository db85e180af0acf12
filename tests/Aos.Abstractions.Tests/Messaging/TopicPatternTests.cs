using Aos.Messaging;

namespace Aos.Abstractions.Tests.Messaging;

/// <summary>Topic and pattern validation (each refusal says what is wrong) and matching.</summary>
public sealed class TopicPatternTests
{
    [Theory]
    [InlineData("orders")]
    [InlineData("orders.eu.created")]
    [InlineData("a.b-c.d_e")]
    public void ValidateTopic_DottedNames_AreAccepted(string topic) => TopicPattern.ValidateTopic(topic);

    [Theory]
    [InlineData("orders.*")]
    [InlineData("*.created")]
    [InlineData("orders.>")]
    [InlineData(">")]
    [InlineData("orders.*.created")]
    public void ValidatePattern_WholeSegmentWildcards_AreAccepted(string pattern) => TopicPattern.ValidatePattern(pattern);

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData(" ", "must not be empty")]
    [InlineData("orders..created", "has an empty segment")]
    [InlineData(".orders", "has an empty segment")]
    [InlineData("orders.", "has an empty segment")]
    [InlineData("orders.e u", "contains whitespace")]
    [InlineData("orders.*", "contains a wildcard")]
    [InlineData("orders.>", "contains a wildcard")]
    [InlineData("orders.e*", "contains a wildcard")]
    public void ValidateTopic_Invalid_SaysWhy(string topic, string reason)
    {
        var error = Assert.Throws<AosValidationException>(() => TopicPattern.ValidateTopic(topic));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal("topic", error.Field);
    }

    [Theory]
    [InlineData("orders..*", "has an empty segment")]
    [InlineData("orders.e*", "has 'e*': a wildcard must be a whole segment")]
    [InlineData("orders.>x", "has '>x': a wildcard must be a whole segment")]
    [InlineData("orders.>.created", "has '>' before the last segment")]
    [InlineData(">.orders", "has '>' before the last segment")]
    public void ValidatePattern_Invalid_SaysWhy(string pattern, string reason)
    {
        var error = Assert.Throws<AosValidationException>(() => TopicPattern.ValidatePattern(pattern));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal("subscriptions", error.Field);
    }

    [Fact]
    public void ValidateTopic_TooLong_SaysTheLimit()
    {
        var error = Assert.Throws<AosValidationException>(() => TopicPattern.ValidateTopic(new string('a', TopicPattern.MaxLength + 1)));

        Assert.Contains($"the limit is {TopicPattern.MaxLength}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("orders.*", "orders.created", true)]
    [InlineData("orders.*", "orders.eu.created", false)]
    [InlineData("orders.>", "orders.eu.created", true)]
    [InlineData("orders.>", "orders", false)]
    [InlineData("*.created", "orders.created", true)]
    [InlineData("orders.created", "orders.created", true)]
    [InlineData("orders.created", "orders.deleted", false)]
    public void Matches_Patterns_MatchTheirTopics(string pattern, string topic, bool expected) =>
        Assert.Equal(expected, TopicPattern.Matches(pattern, topic));
}
