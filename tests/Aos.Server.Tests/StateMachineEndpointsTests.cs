using System.Text.Json.Nodes;

namespace Aos.Server.Tests;

public sealed class StateMachineEndpointsTests(ServerFixture fixture)
{
    private readonly ServerHost _server = fixture.Server;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Templates_AreListed_AndAnInstanceRunsThroughEvents()
    {
        var machines = (await _server.GetJsonAsync("/v1/state-machines")).AsArray();
        Assert.Contains(machines, m => m!["name"]!.GetValue<string>() == "decision");
        Assert.Contains(machines, m => m!["name"]!.GetValue<string>() == "incident");
        var id = ServerHost.NewId("budget");

        using var created = await _server.Http.PostAsync("/v1/state-machines/decision/instances", ServerHost.Json(new JsonObject { ["id"] = id, ["context"] = new JsonObject { ["amount"] = 900 } }), Token);
        var instance = await created.AssertJsonAsync(201);
        Assert.Equal("pending", instance["state"]!.GetValue<string>());
        Assert.Equal(900, instance["context"]!["amount"]!.GetValue<int>());
        Assert.NotNull(instance["timeoutAt"]);
        Assert.Equal($"/v1/state-machines/decision/instances/{id}", created.Headers.Location?.OriginalString);

        using var reviewed = await _server.Http.PostAsync($"/v1/state-machines/decision/instances/{id}/events", ServerHost.Json(new JsonObject { ["event"] = "review", ["data"] = new JsonObject { ["reviewer"] = "carol" } }), Token);
        var after = await reviewed.AssertJsonAsync(200);
        Assert.Equal("under_review", after["state"]!.GetValue<string>());
        var entry = after["history"]![0]!;
        Assert.Equal(("pending", "under_review", "review"), (entry["from"]!.GetValue<string>(), entry["to"]!.GetValue<string>(), entry["event"]!.GetValue<string>()));
        Assert.StartsWith("api-key:", entry["actor"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("default", after["tenant"]!.GetValue<string>());

        var fetched = await _server.GetJsonAsync($"/v1/state-machines/decision/instances/{id}");
        Assert.Equal("carol", fetched["context"]!["reviewer"]!.GetValue<string>());
        var listed = await _server.GetJsonAsync("/v1/state-machines/decision/instances?limit=1000");
        Assert.Contains(listed["items"]!.AsArray(), i => i!["id"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task RefusedEvent_Is409WithTheStateAndEvent_AndChangesNothing()
    {
        var id = ServerHost.NewId("inc");
        using var created = await _server.Http.PostAsync("/v1/state-machines/incident/instances", ServerHost.Json(new JsonObject { ["id"] = id }), Token);
        await created.AssertJsonAsync(201);

        using var refused = await _server.Http.PostAsync($"/v1/state-machines/incident/instances/{id}/events", ServerHost.Json(new JsonObject { ["event"] = "close" }), Token);
        var problem = await refused.AssertProblemAsync(409);
        using var again = await _server.Http.PostAsync("/v1/state-machines/incident/instances", ServerHost.Json(new JsonObject { ["id"] = id }), Token);
        var conflict = await again.AssertProblemAsync(409);
        using var missing = await _server.Http.PostAsync("/v1/state-machines/nope/instances", ServerHost.Json(new JsonObject()), Token);
        var notFound = await missing.AssertProblemAsync(404);

        Assert.Contains("'close' is not allowed in state 'reported'", problem.Detail());
        Assert.Equal(("reported", "close"), (problem["state"]!.GetValue<string>(), problem["event"]!.GetValue<string>()));
        Assert.Equal("reported", (await _server.GetJsonAsync($"/v1/state-machines/incident/instances/{id}"))["state"]!.GetValue<string>());
        Assert.Contains("exists already", conflict.Detail());
        Assert.Contains("There is no state machine 'nope'", notFound.Detail());
    }

    [Fact]
    public async Task RegisterJson_ThenSnapshotAndRollback_AndAnInvalidDefinitionIs400NamingTheFault()
    {
        var name = ServerHost.NewId("door");
        var definition = new JsonObject
        {
            ["name"] = name,
            ["initialState"] = "closed",
            ["states"] = new JsonArray(new JsonObject { ["name"] = "closed" }, new JsonObject { ["name"] = "open", ["timeout"] = "30s" }),
            ["transitions"] = new JsonArray(
                new JsonObject { ["from"] = "closed", ["event"] = "open", ["to"] = "open" },
                new JsonObject { ["from"] = "open", ["event"] = "open_timeout", ["to"] = "closed" }),
        };
        using var registered = await _server.Http.PostAsync("/v1/state-machines", ServerHost.Json(definition), Token);
        Assert.Equal("30s", TimeSpan.Parse((await registered.AssertJsonAsync(201))["states"]![1]!["timeout"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).TotalSeconds + "s");

        var id = ServerHost.NewId("d");
        using var created = await _server.Http.PostAsync($"/v1/state-machines/{name}/instances", ServerHost.Json(new JsonObject { ["id"] = id }), Token);
        await created.AssertJsonAsync(201);
        using var snapshot = await _server.Http.PostAsync($"/v1/state-machines/{name}/instances/{id}/snapshots", null, Token);
        Assert.Equal("s1", (await snapshot.AssertJsonAsync(201))["snapshots"]![0]!["id"]!.GetValue<string>());
        using var opened = await _server.Http.PostAsync($"/v1/state-machines/{name}/instances/{id}/events", ServerHost.Json(new JsonObject { ["event"] = "open" }), Token);
        Assert.Equal("open", (await opened.AssertJsonAsync(200))["state"]!.GetValue<string>());
        using var rolled = await _server.Http.PostAsync($"/v1/state-machines/{name}/instances/{id}/rollback", ServerHost.Json(new JsonObject { ["snapshot"] = "s1" }), Token);
        Assert.Equal("closed", (await rolled.AssertJsonAsync(200))["state"]!.GetValue<string>());

        definition["name"] = name + "-bad";
        definition["states"]![1]!["timeout"] = "0s";
        using var invalid = await _server.Http.PostAsync("/v1/state-machines", ServerHost.Json(definition), Token);
        var problem = await invalid.AssertProblemAsync(400);
        Assert.Equal("states[1].timeout", problem["field"]!.GetValue<string>());
        Assert.Contains("the timeout of state 'open' is 00:00:00; it must be positive", problem.Detail());
        using var misspelt = await _server.Http.PostAsync("/v1/state-machines", ServerHost.Json("{\"name\":\"x\",\"initalState\":\"a\"}"), Token);
        Assert.Contains("initalState", (await misspelt.AssertProblemAsync(400)).Detail());
    }
}
