using System.Text.Json.Nodes;

namespace Aos.Server.Tests;

public sealed class WorkflowEndpointsTests(ServerFixture fixture)
{
    private const int WaitMs = 20_000;

    private readonly ServerHost _server = fixture.Server;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Register_NewThenSameAgain_Is201Then200_AndTheDefinitionIsListedAndShown()
    {
        var name = ServerHost.NewId("ship");

        using var created = await _server.Http.PostAsync("/v1/workflows", ServerHost.Json(TimerThenPublish(name)), Token);
        var registered = await created.AssertJsonAsync(201);
        using var again = await _server.Http.PostAsync("/v1/workflows", ServerHost.Json(TimerThenPublish(name)), Token);
        var same = await again.AssertJsonAsync(200);
        var names = (await _server.GetJsonAsync("/v1/workflows")).AsArray().Select(n => n!.GetValue<string>());
        var shown = await _server.GetJsonAsync($"/v1/workflows/{name}");

        Assert.Equal((name, 2), (registered["name"]!.GetValue<string>(), registered["steps"]!.GetValue<int>()));
        Assert.Matches("^[0-9a-f]{12}$", registered["version"]!.GetValue<string>());
        Assert.Equal($"/v1/workflows/{name}", created.Headers.Location?.OriginalString);
        Assert.Equal(registered["version"]!.GetValue<string>(), same["version"]!.GetValue<string>());
        Assert.Contains(name, names);
        Assert.Equal(registered["version"]!.GetValue<string>(), shown["version"]!.GetValue<string>());
        var steps = shown["definition"]!["steps"]!.AsArray();
        Assert.Equal(["wait", "announce"], steps.Select(s => s!["id"]!.GetValue<string>()));
        Assert.Equal("wait", steps[1]!["dependsOn"]![0]!.GetValue<string>());
        Assert.Equal("0s", steps[0]!["input"]!["delay"]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_Cycle_Is400NamingTheCycle_AndRegistersNothing()
    {
        var name = ServerHost.NewId("loop");
        var definition = new JsonObject
        {
            ["name"] = name,
            ["steps"] = new JsonArray(
                new JsonObject { ["id"] = "a", ["kind"] = "timer", ["input"] = Delay("0s"), ["dependsOn"] = new JsonArray("b") },
                new JsonObject { ["id"] = "b", ["kind"] = "timer", ["input"] = Delay("0s"), ["dependsOn"] = new JsonArray("a") }),
        };

        using var response = await _server.Http.PostAsync("/v1/workflows", ServerHost.Json(definition), Token);
        var problem = await response.AssertProblemAsync(400);
        using var missing = await _server.Http.GetAsync($"/v1/workflows/{name}", Token);

        Assert.Contains("dependency cycle: a → b → a", problem.Detail());
        Assert.Equal("steps", problem["field"]!.GetValue<string>());
        await missing.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Register_UnknownKind_Is400NamingTheStepAndTheKind()
    {
        var definition = TimerThenPublish(ServerHost.NewId("typo"));
        definition["steps"]![1]!["kind"] = "pubish";

        using var response = await _server.Http.PostAsync("/v1/workflows", ServerHost.Json(definition), Token);
        var problem = await response.AssertProblemAsync(400);

        Assert.Contains("step 'announce' has the kind 'pubish'", problem.Detail());
        Assert.Equal("steps[1].kind", problem["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Start_WithWait_RunsToCompletion_WithEachStepsResultAsJson()
    {
        var name = await RegisterAsync(TimerThenPublish(ServerHost.NewId("ship")));
        var id = ServerHost.NewId("run");

        using var started = await _server.Http.PostAsync("/v1/workflow-runs", ServerHost.Json(new JsonObject
        {
            ["workflow"] = name,
            ["input"] = new JsonObject { ["order"] = 42 },
            ["id"] = id,
            ["priority"] = "high",
            ["waitMs"] = WaitMs,
        }), Token);
        var run = await started.AssertJsonAsync(201);
        var shown = await _server.GetJsonAsync($"/v1/workflow-runs/{id}");

        Assert.Equal($"/v1/workflow-runs/{id}", started.Headers.Location?.OriginalString);
        Assert.Equal((id, name, "completed", true), (run["id"]!.GetValue<string>(), run["workflow"]!.GetValue<string>(), run["status"]!.GetValue<string>(), run["finished"]!.GetValue<bool>()));
        Assert.Equal(("high", 1.0), (run["priority"]!.GetValue<string>(), run["progress"]!.GetValue<double>()));
        Assert.NotNull(run["finishedAt"]);
        Assert.Equal((await _server.GetJsonAsync($"/v1/workflows/{name}"))["version"]!.GetValue<string>(), run["definitionVersion"]!.GetValue<string>());
        var steps = shown["steps"]!.AsArray();
        Assert.All(steps, s => Assert.Equal(("completed", 1), (s!["status"]!.GetValue<string>(), s["attempts"]!.GetValue<int>())));
        Assert.IsType<JsonObject>(steps[0]!["result"]);
        Assert.NotNull(steps[0]!["result"]!["firedAt"]);
        Assert.Equal($"{id}.announce.1", steps[1]!["result"]!["messageId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Signal_CompletesTheWaitingStep_WithThePayload_ThenAFinishedRunRefusesSignalAndCancel()
    {
        var name = await RegisterAsync(SignalThenPublish(ServerHost.NewId("gate")));
        var id = await StartAsync(name);
        var waiting = await _server.GetJsonAsync($"/v1/workflow-runs/{id}");

        using var signalled = await _server.Http.PostAsync($"/v1/workflow-runs/{id}/signals/go", ServerHost.Json("""{"ok": true, "by": "alice"}"""), Token);
        await signalled.AssertJsonAsync(200);
        var done = await _server.GetJsonAsync($"/v1/workflow-runs/{id}?waitMs={WaitMs}");
        using var late = await _server.Http.PostAsync($"/v1/workflow-runs/{id}/signals/go", null, Token);
        var refused = await late.AssertProblemAsync(409);
        using var cancel = await _server.Http.PostAsync($"/v1/workflow-runs/{id}/cancel", null, Token);
        await cancel.AssertProblemAsync(409);

        Assert.Equal(("running", "running"), (waiting["status"]!.GetValue<string>(), waiting["steps"]![0]!["status"]!.GetValue<string>()));
        Assert.Equal("pending", waiting["steps"]![1]!["status"]!.GetValue<string>());
        Assert.Equal("completed", done["status"]!.GetValue<string>());
        var result = done["steps"]![0]!["result"]!;
        Assert.Equal((true, "alice"), (result["ok"]!.GetValue<bool>(), result["by"]!.GetValue<string>()));
        Assert.Contains("a finished run takes no signals", refused.Detail());
    }

    [Fact]
    public async Task Signal_EmptyBody_IsANullPayload()
    {
        var name = await RegisterAsync(SignalThenPublish(ServerHost.NewId("gate")));
        var id = await StartAsync(name);

        using var signalled = await _server.Http.PostAsync($"/v1/workflow-runs/{id}/signals/go", null, Token);
        await signalled.AssertJsonAsync(200);
        var done = await _server.GetJsonAsync($"/v1/workflow-runs/{id}?waitMs={WaitMs}");

        Assert.Equal("completed", done["status"]!.GetValue<string>());
        Assert.Equal("completed", done["steps"]![0]!["status"]!.GetValue<string>());
        Assert.Null(done["steps"]![0]!["result"]);
    }

    [Fact]
    public async Task Cancel_StopsTheRun_ASecondCancelIs409_AndListsFilterByWorkflowAndStatus()
    {
        var name = await RegisterAsync(SignalThenPublish(ServerHost.NewId("gate")));
        var first = await StartAsync(name);
        var second = await StartAsync(name);

        using var cancelled = await _server.Http.PostAsync($"/v1/workflow-runs/{first}/cancel", null, Token);
        var run = await cancelled.AssertJsonAsync(200);
        using var again = await _server.Http.PostAsync($"/v1/workflow-runs/{first}/cancel", null, Token);
        var refused = await again.AssertProblemAsync(409);
        var all = await _server.GetJsonAsync($"/v1/workflow-runs?workflow={name}");
        var onlyCancelled = await _server.GetJsonAsync($"/v1/workflow-runs?workflow={name}&status=cancelled");
        var newest = await _server.GetJsonAsync($"/v1/workflow-runs?workflow={name}&limit=1");

        Assert.Equal(("cancelled", true), (run["status"]!.GetValue<string>(), run["finished"]!.GetValue<bool>()));
        Assert.Contains("only a running, queued or suspended run can be cancelled", refused.Detail());
        Assert.Equal([second, first], Ids(all));
        Assert.Equal([first], Ids(onlyCancelled));
        Assert.Equal([second], Ids(newest));
    }

    [Fact]
    public async Task UnknownRunOrWorkflow_Is404Problem()
    {
        var id = ServerHost.NewId("nope");

        using var get = await _server.Http.GetAsync($"/v1/workflow-runs/{id}", Token);
        using var cancel = await _server.Http.PostAsync($"/v1/workflow-runs/{id}/cancel", null, Token);
        using var signal = await _server.Http.PostAsync($"/v1/workflow-runs/{id}/signals/go", null, Token);
        using var start = await _server.Http.PostAsync("/v1/workflow-runs", ServerHost.Json(new JsonObject { ["workflow"] = id }), Token);
        using var definition = await _server.Http.GetAsync($"/v1/workflows/{id}", Token);

        Assert.Contains($"There is no workflow run '{id}'", (await get.AssertProblemAsync(404)).Detail());
        await cancel.AssertProblemAsync(404);
        await signal.AssertProblemAsync(404);
        Assert.Contains($"There is no workflow '{id}'", (await start.AssertProblemAsync(404)).Detail());
        await definition.AssertProblemAsync(404);
    }

    [Theory]
    [InlineData("""{"workflow": "w", "priority": "urgent"}""", "priority")]
    [InlineData("""{"workflow": "w", "id": "no spaces"}""", "id")]
    [InlineData("""{"workflow": "w", "waitMs": 30000}""", "waitMs")]
    [InlineData("""{"input": {}}""", "workflow")]
    public async Task Start_BadRequest_Is400NamingTheField(string body, string field)
    {
        var name = await RegisterAsync(TimerThenPublish(ServerHost.NewId("w")));

        using var response = await _server.Http.PostAsync("/v1/workflow-runs", ServerHost.Json(body.Replace("\"w\"", $"\"{name}\"", StringComparison.Ordinal)), Token);

        Assert.Equal(field, (await response.AssertProblemAsync(400))["field"]!.GetValue<string>());
        Assert.Empty((await _server.GetJsonAsync($"/v1/workflow-runs?workflow={name}"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Register_MisspeltProperty_Is400NamingIt()
    {
        var definition = TimerThenPublish(ServerHost.NewId("typo"));
        definition["steps"]![1]!["dependOn"] = definition["steps"]![1]!["dependsOn"]!.DeepClone();

        using var response = await _server.Http.PostAsync("/v1/workflows", ServerHost.Json(definition), Token);
        var problem = await response.AssertProblemAsync(400);

        Assert.Contains("'dependOn'", problem.Detail());
        Assert.StartsWith("steps[1]", problem["field"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/workflows", "{\"name\": ")]
    [InlineData("/v1/workflows", "{\"name\": \"no-steps\"}")]
    [InlineData("/v1/workflows", "[1, 2]")]
    [InlineData("/v1/workflow-runs", "{\"workflow\": ")]
    [InlineData("/v1/workflow-runs", """{"workflow": "w", "wait": 5}""")]
    public async Task Post_BadJson_Is400Problem(string path, string body)
    {
        using var response = await _server.Http.PostAsync(path, ServerHost.Json(body), Token);

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task SignalAndList_BadInput_Is400NamingTheField()
    {
        var id = await StartAsync(await RegisterAsync(SignalThenPublish(ServerHost.NewId("gate"))));

        using var payload = await _server.Http.PostAsync($"/v1/workflow-runs/{id}/signals/go", ServerHost.Json("{not json"), Token);
        using var status = await _server.Http.GetAsync("/v1/workflow-runs?status=done", Token);
        using var limit = await _server.Http.GetAsync("/v1/workflow-runs?limit=0", Token);
        using var wait = await _server.Http.GetAsync($"/v1/workflow-runs/{id}?waitMs=-1", Token);

        Assert.Equal("payload", (await payload.AssertProblemAsync(400))["field"]!.GetValue<string>());
        var statusProblem = await status.AssertProblemAsync(400);
        Assert.Equal("status", statusProblem["field"]!.GetValue<string>());
        Assert.Contains("queued, running, suspended, completed, failed, compensating, cancelled", statusProblem.Detail());
        Assert.Equal("limit", (await limit.AssertProblemAsync(400))["field"]!.GetValue<string>());
        Assert.Equal("waitMs", (await wait.AssertProblemAsync(400))["field"]!.GetValue<string>());
        Assert.Equal("running", (await _server.GetJsonAsync($"/v1/workflow-runs/{id}"))["steps"]![0]!["status"]!.GetValue<string>());
    }

    private async Task<string> RegisterAsync(JsonObject definition)
    {
        using var response = await _server.Http.PostAsync("/v1/workflows", ServerHost.Json(definition), Token);
        return (await response.AssertJsonAsync(201))["name"]!.GetValue<string>();
    }

    private async Task<string> StartAsync(string workflow)
    {
        using var response = await _server.Http.PostAsync("/v1/workflow-runs", ServerHost.Json(new JsonObject { ["workflow"] = workflow }), Token);
        return (await response.AssertJsonAsync(201))["id"]!.GetValue<string>();
    }

    private static string[] Ids(JsonNode list) => [.. list["items"]!.AsArray().Select(r => r!["id"]!.GetValue<string>())];

    private static JsonObject Delay(string delay) => new() { ["delay"] = delay };

    private static JsonObject TimerThenPublish(string name) => new()
    {
        ["name"] = name,
        ["description"] = "Waits, then announces.",
        ["steps"] = new JsonArray(
            new JsonObject { ["id"] = "wait", ["kind"] = "timer", ["input"] = Delay("0s") },
            new JsonObject { ["id"] = "announce", ["kind"] = "publish", ["dependsOn"] = new JsonArray("wait"), ["input"] = new JsonObject { ["topic"] = "workflow-tests.shipped" } }),
    };

    private static JsonObject SignalThenPublish(string name) => new()
    {
        ["name"] = name,
        ["steps"] = new JsonArray(
            new JsonObject { ["id"] = "approve", ["kind"] = "signal", ["input"] = new JsonObject { ["name"] = "go" } },
            new JsonObject { ["id"] = "announce", ["kind"] = "publish", ["dependsOn"] = new JsonArray("approve"), ["input"] = new JsonObject { ["topic"] = "workflow-tests.approved" } }),
    };
}
