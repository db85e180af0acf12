using Aos.Kernel.Workflows;
using Aos.Workflows;

namespace Aos.Kernel.Tests.Workflows;

/// <summary>Workflow definitions in JSON and YAML: every property, the round trip, and errors that say which step and property is wrong.</summary>
public sealed class WorkflowJsonTests
{
    private const string Checkout = """
        {
          // comments and trailing commas are accepted
          "name": "checkout",
          "description": "Reserve, charge, ship.",
          "continueAsNew": true,
          "maxIterations": 10,
          "steps": [
            {
              "id": "reserve", "kind": "agent-request",
              "input": { "agent": "stock", "items": [ 1, 2.50 ], "note": "café" },
              "compensation": { "kind": "publish", "input": { "topic": "stock.release" } },
            },
            { "id": "charge", "kind": "agent-request", "dependsOn": [ "reserve" ], "maxAttempts": 3, "retryDelay": "2s", "timeout": "PT5M" },
            { "id": "ship", "Kind": "publish", "dependsOn": [ "reserve", "charge" ], "timeout": "1.5h", "retryDelay": "0s", "input": null },
          ],
        }
        """;

    [Fact]
    public void Parse_ValidDefinition_ReadsEveryProperty()
    {
        var definition = WorkflowJson.Parse(Checkout);

        Assert.Equal(("checkout", "Reserve, charge, ship.", true, (int?)10), (definition.Name, definition.Description, definition.ContinueAsNew, definition.MaxIterations));
        Assert.Equal(["reserve", "charge", "ship"], definition.Steps.Select(s => s.Id));
        var (reserve, charge, ship) = (definition.Steps[0], definition.Steps[1], definition.Steps[2]);
        Assert.Equal("""{"agent":"stock","items":[1,2.50],"note":"café"}""", reserve.Input);
        Assert.Equal(new WorkflowCompensation("publish", """{"topic":"stock.release"}"""), reserve.Compensation);
        Assert.Equal((1, TimeSpan.FromSeconds(1), (TimeSpan?)null), (reserve.MaxAttempts, reserve.RetryDelay, reserve.Timeout));
        Assert.Equal((3, TimeSpan.FromSeconds(2), (TimeSpan?)TimeSpan.FromMinutes(5)), (charge.MaxAttempts, charge.RetryDelay, charge.Timeout));
        Assert.Equal(["reserve"], charge.DependsOn);
        Assert.Equal(("publish", TimeSpan.Zero, (TimeSpan?)TimeSpan.FromMinutes(90), (string?)null), (ship.Kind, ship.RetryDelay, ship.Timeout, ship.Input));
    }

    [Fact]
    public void Serialize_ThenParse_RoundTrips()
    {
        var definition = new WorkflowDefinition
        {
            Name = "round-trip",
            Description = "Every property away from its default.",
            ContinueAsNew = true,
            MaxIterations = 3,
            Steps =
            [
                new WorkflowStep { Id = "a", Kind = "timer", Input = """{ "after": "1h", "nested": { "list": [true, null, 1e3] } }""", Timeout = TimeSpan.FromDays(3) },
                new WorkflowStep { Id = "b", Kind = "publish", DependsOn = ["a"], MaxAttempts = 5, RetryDelay = TimeSpan.FromMilliseconds(250), Timeout = TimeSpan.FromSeconds(90) },
                new WorkflowStep
                {
                    Id = "c", Kind = "agent-request", DependsOn = ["a", "b"], RetryDelay = TimeSpan.FromTicks(1_234), Timeout = TimeSpan.FromHours(26),
                    Compensation = new WorkflowCompensation("agent-request", """{"text":"überprüfen <b>"}"""),
                },
                new WorkflowStep { Id = "d", Kind = "signal", Compensation = new WorkflowCompensation("publish", null) },
            ],
        };

        var json = WorkflowJson.Serialize(definition);
        var again = WorkflowJson.Parse(json);

        WorkflowAssert.Equivalent(definition, again);
        Assert.Equal(json, WorkflowJson.Serialize(again));
        Assert.Contains("\"timeout\": \"3d\"", json);
        Assert.Contains("überprüfen", json);
        Assert.DoesNotContain("maxAttempts\": 1", json);
    }

    [Fact]
    public void Serialize_DefaultsAreLeftOut()
    {
        var json = WorkflowJson.Serialize(new WorkflowDefinition { Name = "w", Steps = [new WorkflowStep { Id = "a", Kind = "publish" }] });

        Assert.Equal(
            """
            {
              "name": "w",
              "steps": [
                {
                  "id": "a",
                  "kind": "publish"
                }
              ]
            }
            """.ReplaceLineEndings("\n"),
            json.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("{ 'name': 'w',\n  'steps': [ { 'id': 'a', 'kind': 'publish' } ,, ] }", null, "not valid JSON at line 2, position")]
    [InlineData("[ { 'id': 'a' } ]", null, "The workflow definition is a list; it must be a JSON object")]
    [InlineData("{ 'steps': [ { 'id': 'a', 'kind': 'publish' } ] }", "name", "has no name")]
    [InlineData("{ 'name': 'w', 'stepz': [] }", "stepz", "Workflow 'w' has an unknown property 'stepz'; the properties of a workflow are name, description")]
    [InlineData("{ 'name': 'w', 'name': 'v', 'steps': [] }", null, "not valid JSON: Duplicate property 'name'")]
    [InlineData("{ 'name': 'w', 'Name': 'v', 'steps': [] }", "name", "has the property 'name' twice")]
    [InlineData("{ 'name': 'w', 'steps': {} }", "steps", "Workflow 'w' has steps as an object: it must be a list of steps")]
    [InlineData("{ 'name': 'w', 'steps': [ 'a' ] }", "steps[0]", "step 0 is 'a'; each step must be an object")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'a', 'kind': 'publish' }, { 'kind': 'publish' } ] }", "steps[1].id", "Workflow 'w': step 1 has no id")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'charge' } ] }", "steps[0].kind", "step 'charge' has no kind")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'a', 'kind': 'publish' }, { 'id': 'charge', 'kind': 'publish', 'timout': '5m' } ] }", "steps[1].timout", "step 'charge' has an unknown property 'timout'; the properties of a step are id, kind")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'a', 'kind': 'publish' }, { 'id': 'b', 'kind': 'publish' }, { 'id': 'charge', 'kind': 'publish', 'timeout': 'abc' } ] }", "steps[2].timeout", "Workflow 'w': step 'charge' has timeout 'abc': that is not a duration")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'charge', 'kind': 'publish', 'retryDelay': 300 } ] }", "steps[0].retryDelay", "step 'charge' has retryDelay 300: that is not a duration with a unit; write it as 90s")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'charge', 'kind': 'publish', 'timeout': '300' } ] }", "steps[0].timeout", "step 'charge' has timeout '300': that is not a duration with a unit")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'charge', 'kind': 'publish', 'maxAttempts': '3' } ] }", "steps[0].maxAttempts", "step 'charge' has maxAttempts '3': it must be a whole number")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'charge', 'kind': 'publish', 'input': [ 1 ] } ] }", "steps[0].input", "step 'charge' has input as a list: it must be a JSON object")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'charge', 'kind': 'publish', 'dependsOn': 'a' } ] }", "steps[0].dependsOn", "step 'charge' has dependsOn 'a': it must be a list of step ids")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'charge', 'kind': 'publish', 'compensation': { 'kind': 'publish', 'input': 'x' } } ] }", "steps[0].compensation.input", "the compensation of step 'charge' has input 'x': it must be a JSON object")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'charge', 'kind': 'publish', 'compensation': { 'input': {} } } ] }", "steps[0].compensation.kind", "the compensation of step 'charge' has no kind")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'charge', 'kind': 'publish', 'compensation': { 'kind': 'publish', 'undo': true } } ] }", "steps[0].compensation.undo", "has an unknown property 'undo'; the properties of a compensation are kind, input")]
    [InlineData("{ 'name': 'w', 'continueAsNew': 'yes', 'steps': [] }", "continueAsNew", "Workflow 'w' has continueAsNew 'yes': it must be true or false")]
    [InlineData("{ 'name': 'w', 'maxIterations': 5, 'steps': [ { 'id': 'a', 'kind': 'publish' } ] }", "maxIterations", "sets maxIterations without continueAsNew")]
    [InlineData("{ 'name': 'w', 'continueAsNew': true, 'maxIterations': 0, 'steps': [ { 'id': 'a', 'kind': 'publish' } ] }", "maxIterations", "has maxIterations 0; it must be 1 or more")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'a', 'kind': 'publish', 'dependsOn': [ 'b' ] }, { 'id': 'b', 'kind': 'publish', 'dependsOn': [ 'a' ] } ] }", "steps", "has a dependency cycle: a → b → a")]
    [InlineData("{ 'name': 'w', 'steps': [ { 'id': 'a', 'kind': 'email' } ] }", "steps[0].kind", "has the kind 'email', which no node knows")]
    public void Parse_BadDefinition_IsRefusedNamingTheFieldAndTheStep(string json, string? field, string message)
    {
        var error = Assert.Throws<AosValidationException>(() => WorkflowJson.Parse(json.Replace('\'', '"')));

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Parse_ExtensionKind_IsAcceptedWhenTheCallerNamesIt()
    {
        const string json = """{ "name": "w", "steps": [ { "id": "a", "kind": "email", "compensation": { "kind": "email" } } ] }""";

        var definition = WorkflowJson.Parse(json, new HashSet<string> { "email" });

        Assert.Equal("email", definition.Steps[0].Compensation?.Kind);
    }

    [Fact]
    public void ParseYaml_ReadsTheSameDefinitionAsTheJson()
    {
        var definition = WorkflowJson.ParseYaml("""
            name: checkout
            description: Reserve, charge, ship.
            continueAsNew: true
            maxIterations: 10
            steps:
              - id: reserve
                kind: agent-request
                input: { agent: stock, items: [1, 2.50], note: café }
                compensation:
                  kind: publish
                  input:
                    topic: stock.release
              - id: charge
                kind: agent-request
                dependsOn: [reserve]
                maxAttempts: 3
                retryDelay: 2s
                timeout: PT5M
              - id: ship
                Kind: publish
                dependsOn: [reserve, charge]
                timeout: 1.5h
                retryDelay: 0s
                input:
            """);

        WorkflowAssert.Equivalent(WorkflowJson.Parse(Checkout), definition);
    }

    [Fact]
    public void ParseYaml_ShapeError_NamesTheField()
    {
        var error = Assert.Throws<AosValidationException>(() => WorkflowJson.ParseYaml("""
            name: w
            steps:
              - id: a
                kind: publish
                timeout: 300
            """));

        Assert.Equal("steps[0].timeout", error.Field);
        Assert.Contains("step 'a' has timeout 300", error.Message);
    }
}
