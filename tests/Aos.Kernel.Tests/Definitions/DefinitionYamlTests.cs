using System.Text.Json.Nodes;
using Aos.Kernel.Definitions;

namespace Aos.Kernel.Tests.Definitions;

/// <summary>YAML definitions converted to JSON: structure, scalar typing, aliases, and errors that give the line and column.</summary>
public sealed class DefinitionYamlTests
{
    [Fact]
    public void ToJson_NestedDocument_BecomesEquivalentJson()
    {
        var json = DefinitionYaml.ToJson("""
            name: onboard
            steps:
              - id: a
                input:
                  agent: accounts
                  tags: [new, "vip"]
                  address: { city: Zürich, zip: "8001" }
              - id: b
                dependsOn:
                  - a
                prompt: |
                  Say hello
                  twice.
            empty: []
            """);

        AssertJson(
            """
            {
              "name": "onboard",
              "steps": [
                { "id": "a", "input": { "agent": "accounts", "tags": [ "new", "vip" ], "address": { "city": "Zürich", "zip": "8001" } } },
                { "id": "b", "dependsOn": [ "a" ], "prompt": "Say hello\ntwice.\n" }
              ],
              "empty": []
            }
            """,
            json);
    }

    [Fact]
    public void ToJson_Scalars_AreTypedAsInTheYamlCoreSchema_UnlessQuoted()
    {
        var json = DefinitionYaml.ToJson("""
            yes: true
            no: False
            nothing: null
            tilde: ~
            blank:
            int: 42
            negative: -7
            plus: +7
            zeros: 007
            big: 123456789012345678901234567890
            float: 2.50
            exponent: 1e3
            dot: .5
            quoted: "42"
            single: 'true'
            tagged: !!str 12
            folded: >
              12
            word: yes
            hex: 0x1F
            infinity: .inf
            version: 1.2.3
            time: 5m
            """);

        AssertJson(
            """
            {
              "yes": true, "no": false, "nothing": null, "tilde": null, "blank": null,
              "int": 42, "negative": -7, "plus": 7, "zeros": 7, "big": 123456789012345678901234567890,
              "float": 2.50, "exponent": 1e3, "dot": 0.5,
              "quoted": "42", "single": "true", "tagged": "12", "folded": "12\n",
              "word": "yes", "hex": "0x1F", "infinity": ".inf", "version": "1.2.3", "time": "5m"
            }
            """,
            json);
        Assert.Contains("\"float\": 2.50", json);
    }

    [Fact]
    public void ToJson_Aliases_AreExpanded()
    {
        var json = DefinitionYaml.ToJson("""
            base: &retry { maxAttempts: 3, retryDelay: 2s }
            again: *retry
            """);

        AssertJson("""{ "base": { "maxAttempts": 3, "retryDelay": "2s" }, "again": { "maxAttempts": 3, "retryDelay": "2s" } }""", json);
    }

    [Theory]
    [InlineData("name: w\nsteps: [a, b\n", "line 3, column 1")]
    [InlineData("name: w\nsteps:\n  - id: a\n kind: publish\n", "line 4, column 2")]
    [InlineData("name: w\nname: v\n", "line 2, column 1")]
    [InlineData("name: 'unterminated\n", "line 1, column 7")]
    [InlineData("name: w\n? [a, b]\n: c\n", "line 2, column 3")]
    [InlineData("a: &x [*x]\n", "nests deeper than 64 levels")]
    [InlineData("", "The YAML definition is empty")]
    [InlineData("name: a\n---\nname: b\n", "holds 2 documents")]
    public void ToJson_InvalidYaml_IsRefusedSayingWhere(string yaml, string expected)
    {
        var error = Assert.Throws<AosValidationException>(() => DefinitionYaml.ToJson(yaml));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ToJson_AliasesThatMultiply_AreRefused()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 8; i++)
        {
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        }

        var error = Assert.Throws<AosValidationException>(() => DefinitionYaml.ToJson(string.Join('\n', lines)));

        Assert.Contains("expands to more than 100000 values", error.Message);
    }

    private static void AssertJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"Expected {expected} but found {actual}.");
}
