using System.Text.Json.Nodes;

namespace Aos.Cli.Tests;

public sealed class StateMachineCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly Uri _server = fixture.Address;
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task List_ShowsTheBuiltInTemplates()
    {
        var result = await Cli.RunAsync(_server, "sm", "list");

        result.AssertExitCode(ExitCodes.Success);
        Assert.Matches(@"(?m)^NAME\s+INITIAL STATE\s+STATES\s+TRANSITIONS\s+DESCRIPTION$", result.Output);
        Assert.Matches(@"(?m)^decision\s+pending\s+5\s+9\s+A request that waits for review", result.Output);
        Assert.Matches(@"(?m)^incident\s+reported\s+5\s+9\s+An incident from report to closure", result.Output);
    }

    [Fact]
    public async Task List_Json_PrintsTheDefinitions()
    {
        var result = await Cli.RunAsync(_server, "sm", "list", "--json");

        result.AssertExitCode(ExitCodes.Success);
        var machines = JsonNode.Parse(result.Output)!.AsArray();
        Assert.Contains(machines, m => m!["name"]!.GetValue<string>() == "decision");
        Assert.Contains(machines, m => m!["name"]!.GetValue<string>() == "incident");
    }

    [Fact]
    public async Task Register_ThenStartFireShow_RunsTheMachine()
    {
        var name = NewName("door");
        var file = _files.Write("door.json", DoorDefinition(name));

        var registered = await Cli.RunAsync(_server, "sm", "register", file.FullName);
        var started = await Cli.RunAsync(_server, "sm", "start", name, "--id", "d1", "--context", """{"owner":"ada"}""");
        var fired = await Cli.RunAsync(_server, "sm", "fire", name, "d1", "open", "--data", """{"by":"bob"}""");
        var shown = await Cli.RunAsync(_server, "sm", "show", name, "d1");

        registered.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"registered: state machine {name} with 3 state(s) and 4 transition(s), starting in closed", registered.Output.Trim());
        started.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"started: instance d1 of {name} in state closed", started.Output.Trim());
        fired.AssertExitCode(ExitCodes.Success);
        Assert.StartsWith("fired open: instance d1 is now in state open, times out at ", fired.Output, StringComparison.Ordinal);
        shown.AssertExitCode(ExitCodes.Success);
        Assert.StartsWith($"instance d1 of {name}: open\n", shown.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^timeout at: \d{4}-", shown.Output);
        Assert.Contains("\"owner\": \"ada\"", shown.Output, StringComparison.Ordinal);
        Assert.Contains("\"by\": \"bob\"", shown.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  AT\s+FROM\s+TO\s+EVENT\s+ACTOR\s+KIND$", shown.Output);
        Assert.Matches(@"(?m)^  \d{4}-\S+\s+closed\s+open\s+open\s+api-key:\S+\s+transition$", shown.Output);
    }

    [Fact]
    public async Task Register_FromYaml_RegistersTheSameMachine()
    {
        var name = NewName("gate");
        var file = _files.Write("gate.yaml", $$"""
            name: {{name}}
            initialState: closed
            states:
              - name: closed
              - name: open
                timeout: 1h
            transitions:
              - { from: closed, event: open, to: open }
              - { from: open, event: close, to: closed }
              - { from: open, event: open_timeout, to: closed }
            """);

        var registered = await Cli.RunAsync(_server, "sm", "register", file.FullName);

        registered.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"registered: state machine {name} with 2 state(s) and 3 transition(s), starting in closed", registered.Output.Trim());
    }

    [Fact]
    public async Task Fire_RefusedEvent_ExitsRefusedWithTheServersReasonAndChangesNothing()
    {
        var id = NewName("inc");
        (await Cli.RunAsync(_server, "sm", "start", "incident", "--id", id)).AssertExitCode(ExitCodes.Success);

        var refused = await Cli.RunAsync(_server, "sm", "fire", "incident", id, "close");

        refused.AssertExitCode(ExitCodes.Refused);
        Assert.Empty(refused.Output);
        Assert.StartsWith("aos: 409 ", refused.Error, StringComparison.Ordinal);
        Assert.Contains("'close' is not allowed in state 'reported'", refused.Error, StringComparison.Ordinal);
        var shown = await Cli.RunAsync(_server, "sm", "show", "incident", id, "--json");
        Assert.Equal("reported", JsonNode.Parse(shown.Output)!["state"]!.GetValue<string>());
        Assert.Empty(JsonNode.Parse(shown.Output)!["history"]!.AsArray());
    }

    [Theory]
    [InlineData("--data", "{not json", "aos: --data is not valid JSON: ")]
    [InlineData("--data", "[1,2]", "aos: --data must be a JSON object")]
    [InlineData("--data", """{"a":1,"a":2}""", "aos: --data is not valid JSON: ")]
    public async Task Fire_BadData_IsRefusedBeforeAnyRequest(string option, string value, string expected)
    {
        await using var capture = await CapturingServer.StartAsync();

        var result = await Cli.RunAsync(capture.Address, "sm", "fire", "decision", "x1", "review", option, value);

        result.AssertExitCode(ExitCodes.Usage);
        Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
        Assert.Empty(capture.Requests);
    }

    [Theory]
    [InlineData("sm", "start", "decision", "--context", "{\"amount\":")]
    [InlineData("sm", "start", "decision", "--context", "900")]
    [InlineData("sm", "fire", "decision", "x1")]
    [InlineData("sm", "start")]
    [InlineData("sm", "register")]
    [InlineData("sm", "show", "decision")]
    [InlineData("sm", "bogus")]
    public async Task Invoke_BadCommandLine_ExitsWithUsageAndSendsNothing(params string[] args)
    {
        await using var capture = await CapturingServer.StartAsync();

        var result = await Cli.RunAsync(capture.Address, args);

        result.AssertExitCode(ExitCodes.Usage);
        Assert.NotEmpty(result.Error);
        Assert.Empty(capture.Requests);
    }

    [Fact]
    public async Task Register_MissingFile_ExitsWithUsage()
    {
        var missing = _files.Missing("nope.json");

        var result = await Cli.RunAsync(_server, "sm", "register", missing.FullName);

        result.AssertExitCode(ExitCodes.Usage);
        Assert.Equal($"aos: file not found: {missing.FullName}", result.Error.Trim());
    }

    [Fact]
    public async Task Register_FileNotJson_ExitsWithUsage()
    {
        var file = _files.Write("broken.json", "{\"name\": ");

        var result = await Cli.RunAsync(_server, "sm", "register", file.FullName);

        result.AssertExitCode(ExitCodes.Usage);
        Assert.StartsWith("aos: broken.json is not valid JSON: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_InvalidDefinition_ExitsRefusedNamingTheFault()
    {
        var file = _files.Write("bad.json", DoorDefinition(NewName("bad")).Replace("\"1h\"", "\"0s\"", StringComparison.Ordinal));

        var result = await Cli.RunAsync(_server, "sm", "register", file.FullName);

        result.AssertExitCode(ExitCodes.Refused);
        Assert.StartsWith("aos: 400 ", result.Error, StringComparison.Ordinal);
        Assert.Contains("the timeout of state 'open' is 00:00:00; it must be positive", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instances_Limit_PagesWithTheNextCursor()
    {
        var name = NewName("door");
        (await Cli.RunAsync(_server, "sm", "register", _files.Write("door.json", DoorDefinition(name)).FullName)).AssertExitCode(ExitCodes.Success);
        (await Cli.RunAsync(_server, "sm", "start", name, "--id", "a1")).AssertExitCode(ExitCodes.Success);
        (await Cli.RunAsync(_server, "sm", "start", name, "--id", "a2")).AssertExitCode(ExitCodes.Success);

        var first = await Cli.RunAsync(_server, "sm", "instances", name, "--limit", "1");
        var second = await Cli.RunAsync(_server, "sm", "instances", name, "--after", "a1", "--limit", "1");

        first.AssertExitCode(ExitCodes.Success);
        Assert.Matches(@"(?m)^a1\s+closed\s+\S+", first.Output);
        Assert.DoesNotMatch(@"(?m)^a2\s", first.Output); // By line: the machine's random name may hold "a2".
        Assert.EndsWith($"more: aos sm instances {name} --after a1\n", first.Output, StringComparison.Ordinal);
        second.AssertExitCode(ExitCodes.Success);
        Assert.Matches(@"(?m)^a2\s+closed\s+\S+", second.Output);
        Assert.DoesNotMatch(@"(?m)^a1\s", second.Output);
    }

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static string DoorDefinition(string name) => $$"""
        {
          // Comments and trailing commas are accepted, as by the server.
          "name": "{{name}}",
          "description": "A door.",
          "initialState": "closed",
          "states": [
            { "name": "closed" },
            { "name": "open", "timeout": "1h" },
            { "name": "locked", "terminal": true },
          ],
          "transitions": [
            { "from": "closed", "event": "open", "to": "open" },
            { "from": "open", "event": "close", "to": "closed" },
            { "from": "open", "event": "open_timeout", "to": "closed" },
            { "from": "closed", "event": "lock", "to": "locked" },
          ]
        }
        """;
}
