using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Kernel.Workflows;
using Aos.Workflows;

namespace Aos.Kernel.Tests.Workflows;

/// <summary>Workflow definitions written in code.</summary>
public sealed class WorkflowBuilderTests
{
    [Fact]
    public void Build_WithEveryOption_MakesTheSameDefinitionAsTheJson()
    {
        var definition = new WorkflowBuilder("checkout")
            .Description("Reserve, then charge.")
            .Step("reserve", "agent-request", input: new { Agent = "stock", Items = new[] { 1, 2 } }, s => s.CompensateWith("publish", new { topic = "stock.release" }))
            .Step("charge", "agent-request", s => s
                .DependsOn("reserve")
                .Input(new { agent = "payments" })
                .Retry(3, TimeSpan.FromSeconds(2))
                .Timeout(TimeSpan.FromMinutes(5)))
            .ContinueAsNew(maxIterations: 10)
            .Build();

        var expected = WorkflowJson.Parse("""
            {
              "name": "checkout", "description": "Reserve, then charge.", "continueAsNew": true, "maxIterations": 10,
              "steps": [
                { "id": "reserve", "kind": "agent-request", "input": { "agent": "stock", "items": [1, 2] },
                  "compensation": { "kind": "publish", "input": { "topic": "stock.release" } } },
                { "id": "charge", "kind": "agent-request", "dependsOn": ["reserve"], "input": { "agent": "payments" },
                  "maxAttempts": 3, "retryDelay": "2s", "timeout": "5m" }
              ]
            }
            """);
        WorkflowAssert.Equivalent(expected, definition);
        Assert.Equal("""{"agent":"stock","items":[1,2]}""", definition.Steps[0].Input);
    }

    [Fact]
    public void Input_GivenAsElementNodeOrText_IsKeptAsTheSameCompactJson()
    {
        const string json = """{ "topic": "orders", "count": 2 }""";

        var definition = new WorkflowBuilder("inputs")
            .Step("element", "publish", JsonDocument.Parse(json).RootElement)
            .Step("node", "publish", JsonNode.Parse(json))
            .Step("text", "publish", s => s.Input(json))
            .Build();

        Assert.All(definition.Steps, s => Assert.Equal("""{"topic":"orders","count":2}""", s.Input));
    }

    [Fact]
    public void Input_ThatIsNotAnObject_IsRefused()
    {
        var builder = new WorkflowBuilder("w");

        Assert.Throws<ArgumentException>("input", () => builder.Step("a", "publish", input: new[] { 1, 2 }));
        Assert.Throws<ArgumentException>("input", () => builder.Step("a", "publish", s => s.Input("not json")));
        Assert.Throws<ArgumentException>("input", () => builder.Step("a", "publish", s => s.CompensateWith("publish", "[1]")));
    }

    [Fact]
    public void DependsOn_CalledTwice_AddsToTheDependencies()
    {
        var definition = new WorkflowBuilder("w")
            .Step("a", "publish").Step("b", "publish")
            .Step("c", "publish", s => s.DependsOn("a").DependsOn("b"))
            .Build();

        Assert.Equal(["a", "b"], definition.Steps[2].DependsOn);
        Assert.False(definition.ContinueAsNew);
    }

    [Theory]
    [InlineData("unknown-dependency", "steps[1].dependsOn", "step 'b' depends on 'z', which is not a step")]
    [InlineData("extension-kind", "steps[0].kind", "has the kind 'email', which no node knows")]
    [InlineData("no-iterations", "maxIterations", "has maxIterations 0")]
    [InlineData("retries", "steps[0].maxAttempts", "has maxAttempts 0")]
    public void Build_InvalidWorkflow_IsRefusedNamingTheStep(string defect, string field, string message)
    {
        var builder = defect switch
        {
            "unknown-dependency" => new WorkflowBuilder("w").Step("a", "publish").Step("b", "publish", s => s.DependsOn("z")),
            "extension-kind" => new WorkflowBuilder("w").Step("a", "email"),
            "no-iterations" => new WorkflowBuilder("w").Step("a", "publish").ContinueAsNew(maxIterations: 0),
            _ => new WorkflowBuilder("w").Step("a", "publish", s => s.Retry(0)),
        };

        var error = Assert.Throws<AosValidationException>(() => builder.Build());

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Build_ExtensionKind_IsAcceptedWhenTheCallerNamesIt()
    {
        var definition = new WorkflowBuilder("w").Step("a", "email").Build(new HashSet<string> { "email" });

        Assert.Equal("email", definition.Steps[0].Kind);
    }
}
