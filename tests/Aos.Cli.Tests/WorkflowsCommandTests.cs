using System.Text.Json.Nodes;

namespace Aos.Cli.Tests;

public sealed class WorkflowsCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly Uri _server = fixture.Address;
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Register_FromYamlAndJson_ThenListAndShow()
    {
        var shipped = NewName("ship");
        var gated = NewName("gate");

        var fromYaml = await Cli.RunAsync(_server, "workflows", "register", _files.Write("ship.yaml", TimerThenPublishYaml(shipped)).FullName);
        var fromJson = await Cli.RunAsync(_server, "workflows", "register", _files.Write("gate.json", SignalThenPublishJson(gated)).FullName);
        var listed = await Cli.RunAsync(_server, "workflows", "list");
        var shown = await Cli.RunAsync(_server, "workflows", "show", shipped);

        fromYaml.AssertExitCode(ExitCodes.Success);
        Assert.Matches($"^registered: workflow {shipped} version [0-9a-f]{{12}} with 2 step\\(s\\)\n$", fromYaml.Output);
        fromJson.AssertExitCode(ExitCodes.Success);
        Assert.Matches($"^registered: workflow {gated} version [0-9a-f]{{12}} with 2 step\\(s\\)\n$", fromJson.Output);
        listed.AssertExitCode(ExitCodes.Success);
        Assert.Contains(shipped + "\n", listed.Output, StringComparison.Ordinal);
        Assert.Contains(gated + "\n", listed.Output, StringComparison.Ordinal);
        shown.AssertExitCode(ExitCodes.Success);
        Assert.Matches($"^workflow {shipped} version [0-9a-f]{{12}}\ndescription: Waits, then announces.\n", shown.Output);
        Assert.Matches(@"(?m)^STEP\s+KIND\s+DEPENDS ON\s+ATTEMPTS\s+TIMEOUT\s+COMPENSATION$", shown.Output);
        Assert.Matches(@"(?m)^wait\s+timer\s+1$", shown.Output);
        Assert.Matches(@"(?m)^announce\s+publish\s+wait\s+1$", shown.Output);
    }

    [Fact]
    public async Task Start_WithWait_PrintsTheCompletedRun_AndRunShowsEachStep()
    {
        var name = await RegisterAsync(TimerThenPublishYaml(NewName("ship")), "ship.yml");

        // Short, so that the publish step's result fits the step table uncut.
        var id = NewName("r")[..10];

        var started = await Cli.RunAsync(_server, "workflows", "start", name, "--input", """{"order": 42}""", "--id", id, "--priority", "high", "--wait", "20");
        var shown = await Cli.RunAsync(_server, "workflows", "run", id);
        var json = await Cli.RunAsync(_server, "workflows", "run", id, "--json");

        started.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"started: run {id} of {name} is completed, 2/2 steps completed", started.Output.Trim());
        shown.AssertExitCode(ExitCodes.Success);
        Assert.StartsWith($"run {id} of {name}: completed, 2/2 steps completed\npriority high, iteration 0, definition version ", shown.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^started \S+, updated \S+, finished \S+$", shown.Output);
        Assert.Matches(@"(?m)^  STEP\s+STATUS\s+ATTEMPTS\s+STARTED\s+DETAIL$", shown.Output);
        Assert.Matches(@"(?m)^  wait\s+completed\s+1\s+\d{4}-\S+\s+\{""due"":", shown.Output);
        Assert.Matches($@"(?m)^  announce\s+completed\s+1\s+\d{{4}}-\S+\s+\{{""messageId"":""{id}\.announce\.1""", shown.Output);
        json.AssertExitCode(ExitCodes.Success);
        var run = JsonNode.Parse(json.Output)!;
        Assert.Equal("high", run["priority"]!.GetValue<string>());
        Assert.IsType<JsonObject>(run["steps"]![0]!["result"]);
    }

    [Fact]
    public async Task Signal_CompletesTheWaitingStep_AndAFinishedRunRefusesIt()
    {
        var name = await RegisterAsync(SignalThenPublishJson(NewName("gate")), "gate.json");
        var id = NewName("run");

        var started = await Cli.RunAsync(_server, "workflows", "start", name, "--id", id);
        var signalled = await Cli.RunAsync(_server, "workflows", "signal", id, "go", "--payload", """{"ok": true}""");
        var done = await Cli.RunAsync(_server, "workflows", "run", id, "--wait", "20");
        var late = await Cli.RunAsync(_server, "workflows", "signal", id, "go");

        started.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"started: run {id} of {name} is running, 0/2 steps completed", started.Output.Trim());
        signalled.AssertExitCode(ExitCodes.Success);
        Assert.StartsWith($"signalled go: run {id} is ", signalled.Output, StringComparison.Ordinal);
        done.AssertExitCode(ExitCodes.Success);
        Assert.StartsWith($"run {id} of {name}: completed, 2/2 steps completed\n", done.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  approve\s+completed\s+1\s+\S+\s+\{""ok"":true\}$", done.Output);
        late.AssertExitCode(ExitCodes.Refused);
        Assert.StartsWith("aos: 409 ", late.Error, StringComparison.Ordinal);
        Assert.Contains("a finished run takes no signals", late.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_StopsTheRun_ASecondCancelIsRefused_AndRunsFilter()
    {
        var name = await RegisterAsync(SignalThenPublishJson(NewName("gate")), "gate.json");
        var first = NewName("a");
        var second = NewName("b");
        (await Cli.RunAsync(_server, "workflows", "start", name, "--id", first)).AssertExitCode(ExitCodes.Success);
        (await Cli.RunAsync(_server, "workflows", "start", name, "--id", second)).AssertExitCode(ExitCodes.Success);

        var cancelled = await Cli.RunAsync(_server, "workflows", "cancel", first);
        var again = await Cli.RunAsync(_server, "workflows", "cancel", first);
        var all = await Cli.RunAsync(_server, "workflows", "runs", "--workflow", name);
        var onlyCancelled = await Cli.RunAsync(_server, "workflows", "runs", "--workflow", name, "--status", "cancelled");
        var none = await Cli.RunAsync(_server, "workflows", "runs", "--workflow", NewName("none"));

        cancelled.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"cancelled: run {first} of {name} is cancelled, 0/2 steps completed", cancelled.Output.Trim());
        again.AssertExitCode(ExitCodes.Refused);
        Assert.StartsWith("aos: 409 ", again.Error, StringComparison.Ordinal);
        all.AssertExitCode(ExitCodes.Success);
        Assert.Matches(@"^ID\s+WORKFLOW\s+STATUS\s+STEPS\s+STARTED\s+UPDATED\n", all.Output);
        Assert.Matches($@"^[^\n]+\n{second}\s+{name}\s+running\s+0/2\s+\S+\s+\S+\n{first}\s+{name}\s+cancelled\s+0/2\s+\S+\s+\S+\n$", all.Output);
        onlyCancelled.AssertExitCode(ExitCodes.Success);
        Assert.Contains(first, onlyCancelled.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(second, onlyCancelled.Output, StringComparison.Ordinal);
        Assert.Equal("no runs", none.Output.Trim());
    }

    [Fact]
    public async Task Register_Cycle_ExitsRefusedNamingTheCycle()
    {
        var file = _files.Write("loop.yaml", $$"""
            name: {{NewName("loop")}}
            steps:
              - id: a
                kind: timer
                dependsOn: [b]
                input: {delay: 0s}
              - id: b
                kind: timer
                dependsOn: [a]
                input: {delay: 0s}
            """);

        var result = await Cli.RunAsync(_server, "workflows", "register", file.FullName);

        result.AssertExitCode(ExitCodes.Refused);
        Assert.StartsWith("aos: 400 ", result.Error, StringComparison.Ordinal);
        Assert.Contains("dependency cycle: a → b → a", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAndRun_WithWait_ExitRunFailedWhenTheRunFailed_AndZeroWithoutWait()
    {
        var name = await RegisterAsync($$$"""
            {"name": "{{{NewName("doomed")}}}", "steps": [{"id": "ask", "kind": "agent-request", "input": {"agent": "nobody-here", "type": "hello"}}]}
            """, "doomed.json");
        var id = NewName("r")[..10];

        var started = await Cli.RunAsync(_server, "workflows", "start", name, "--id", id, "--wait", "20");
        var waited = await Cli.RunAsync(_server, "workflows", "run", id, "--wait", "5");
        var shown = await Cli.RunAsync(_server, "workflows", "run", id);

        started.AssertExitCode(ExitCodes.RunFailed);
        Assert.StartsWith($"started: run {id} of {name} is failed", started.Output, StringComparison.Ordinal);
        Assert.Contains($"aos: run {id} ended failed: step 'ask' failed: there is no agent 'nobody-here'", started.Error, StringComparison.Ordinal);
        waited.AssertExitCode(ExitCodes.RunFailed);
        shown.AssertExitCode(ExitCodes.Success);
    }

    [Fact]
    public async Task Start_WaitLongerThanOneRequest_WaitsInSlices()
    {
        await using var capture = await CapturingServer.StartAsync();
        capture.Answer = (201, "application/json", """{"id": "r1", "workflow": "w", "status": "running", "finished": false, "steps": []}""");

        var result = await Cli.RunAsync(capture.Address, "workflows", "start", "w", "--id", "r1", "--wait", "60");

        result.AssertExitCode(ExitCodes.Success);
        Assert.Equal(
            [("POST", "/v1/workflow-runs"), ("GET", "/v1/workflow-runs/r1?waitMs=25000"), ("GET", "/v1/workflow-runs/r1?waitMs=10000")],
            capture.Requests.Select(r => (r.Method, r.PathAndQuery)));
        Assert.Equal(25000, capture.Requests[0].Body!["waitMs"]!.GetValue<int>());
    }

    [Fact]
    public async Task Signal_WithoutPayload_SendsNoBody_AndInputMayBeAnyJson()
    {
        await using var capture = await CapturingServer.StartAsync();

        (await Cli.RunAsync(capture.Address, "workflows", "signal", "r1", "go")).AssertExitCode(ExitCodes.Success);
        (await Cli.RunAsync(capture.Address, "workflows", "start", "w", "--input", "[1, 2]")).AssertExitCode(ExitCodes.Success);

        Assert.Equal(("POST", "/v1/workflow-runs/r1/signals/go"), (capture.Requests[0].Method, capture.Requests[0].PathAndQuery));
        Assert.Null(capture.Requests[0].Body);
        Assert.Equal("[1,2]", capture.Requests[1].Body!["input"]!.ToJsonString());
    }

    [Theory]
    [InlineData("workflows", "start", "w", "--input", "{not json")]
    [InlineData("workflows", "start", "w", "--priority", "urgent")]
    [InlineData("workflows", "start", "w", "--wait", "-1")]
    [InlineData("workflows", "start")]
    [InlineData("workflows", "run", "r1", "--wait", "soon")]
    [InlineData("workflows", "signal", "r1")]
    [InlineData("workflows", "signal", "r1", "go", "--payload", "{")]
    [InlineData("workflows", "runs", "--limit", "many")]
    [InlineData("workflows", "register")]
    [InlineData("workflows", "bogus")]
    public async Task Invoke_BadCommandLine_ExitsWithUsageAndSendsNothing(params string[] args)
    {
        await using var capture = await CapturingServer.StartAsync();

        var result = await Cli.RunAsync(capture.Address, args);

        result.AssertExitCode(ExitCodes.Usage);
        Assert.NotEmpty(result.Error);
        Assert.Empty(capture.Requests);
    }

    [Theory]
    [InlineData("missing.yaml", null, "aos: file not found: ")]
    [InlineData("broken.json", "{\"name\": ", "aos: broken.json is not valid JSON: ")]
    [InlineData("broken.yaml", "steps: [a, b", "aos: broken.yaml: The definition is not valid YAML")]
    [InlineData("list.yaml", "- a\n- b\n", "aos: list.yaml must hold one workflow")]
    public async Task Register_UnreadableFile_ExitsWithUsageAndSendsNothing(string fileName, string? content, string expected)
    {
        await using var capture = await CapturingServer.StartAsync();
        var file = content is null ? _files.Missing(fileName) : _files.Write(fileName, content);

        var result = await Cli.RunAsync(capture.Address, "workflows", "register", file.FullName);

        result.AssertExitCode(ExitCodes.Usage);
        Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
        Assert.Empty(capture.Requests);
    }

    private async Task<string> RegisterAsync(string definition, string fileName)
    {
        var file = _files.Write(fileName, definition);
        var result = await Cli.RunAsync(_server, "workflows", "register", file.FullName, "--json");
        result.AssertExitCode(ExitCodes.Success);
        return JsonNode.Parse(result.Output)!["name"]!.GetValue<string>();
    }

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static string TimerThenPublishYaml(string name) => $"""
        name: {name}
        description: Waits, then announces.
        steps:
          - id: wait
            kind: timer
            input:
              delay: 0s
          - id: announce
            kind: publish
            dependsOn: [wait]
            input:
              topic: cli-tests.shipped
        """;

    private static string SignalThenPublishJson(string name) => $$"""
        {
          // Comments and trailing commas are accepted.
          "name": "{{name}}",
          "steps": [
            { "id": "approve", "kind": "signal", "input": { "name": "go" } },
            { "id": "announce", "kind": "publish", "dependsOn": ["approve"], "input": { "topic": "cli-tests.approved" } },
          ]
        }
        """;
}
