using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aos.Server.Tests;

public sealed class AgentEndpointsTests(ServerFixture fixture)
{
    private readonly ServerHost _server = fixture.Server;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListAgentTypes_BuiltIn_ListsEchoPurposeAndChat()
    {
        using var response = await _server.Http.GetAsync("/v1/agent-types", Token);

        var types = (await response.AssertJsonAsync(200)).AsArray();
        var names = types.Select(t => t!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["chat", "echo", "purpose", "slow"], names);
        Assert.All(types, t => Assert.False(string.IsNullOrEmpty(t!["version"]!.GetValue<string>())));
    }

    [Fact]
    public async Task RegisterAgent_Object_Returns201WithCamelCaseViewAndLocation()
    {
        var id = ServerHost.NewId("reg");
        var body = new JsonObject
        {
            ["id"] = id,
            ["type"] = "echo",
            ["purpose"] = "Echoes.",
            ["capabilities"] = new JsonArray("say", "say"),
            ["config"] = new JsonObject { ["n"] = 1 },
        };

        using var response = await _server.Http.PostAsync("/v1/agents", ServerHost.Json(body), Token);

        var view = (await response.AssertJsonAsync(201)).AsObject();
        Assert.Equal($"/v1/agents/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(id, view["id"]!.GetValue<string>());
        Assert.Equal("echo", view["type"]!.GetValue<string>());
        Assert.Equal("Echoes.", view["purpose"]!.GetValue<string>());
        Assert.Equal(["say"], view["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(1, view["config"]!["n"]!.GetValue<int>());
        Assert.Equal("sleeping", view["status"]!.GetValue<string>());
        AssertCamelCase(view);
    }

    [Fact]
    public async Task RegisterAgents_Array_RegistersEveryAgent()
    {
        var ids = new[] { ServerHost.NewId("many"), ServerHost.NewId("many") };
        var body = new JsonArray([.. ids.Select(id => (JsonNode?)new JsonObject { ["id"] = id, ["type"] = "echo" })]);

        using var response = await _server.Http.PostAsync("/v1/agents", ServerHost.Json(body), Token);

        var views = (await response.AssertJsonAsync(201)).AsArray();
        Assert.Equal(ids, views.Select(v => v!["id"]!.GetValue<string>()));
        foreach (var id in ids)
        {
            Assert.Equal(id, (await _server.GetJsonAsync($"/v1/agents/{id}"))["id"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task GetAgent_AfterEvents_ReturnsCountersAndLowercaseStatus()
    {
        var id = await _server.RegisterAsync("echo");
        var fresh = (await _server.GetJsonAsync($"/v1/agents/{id}")).AsObject();
        Assert.Equal("sleeping", fresh["status"]!.GetValue<string>());
        Assert.Equal(0, fresh["eventsProcessed"]!.GetValue<long>());
        Assert.Equal(0, fresh["wakeCount"]!.GetValue<long>());
        Assert.Null(fresh["lastEventAt"]);

        await SendEventAsync(id, "tick");
        await SendEventAsync(id, "tick");

        var agent = (await _server.GetJsonAsync($"/v1/agents/{id}")).AsObject();
        Assert.Equal(JsonValueKind.String, agent["status"]!.GetValueKind());
        Assert.Equal("active", agent["status"]!.GetValue<string>());
        Assert.Equal(2, agent["eventsProcessed"]!.GetValue<long>());
        Assert.Equal(0, agent["eventsFailed"]!.GetValue<long>());
        Assert.Equal(1, agent["wakeCount"]!.GetValue<long>());
        Assert.NotNull(agent["lastEventAt"]);
        AssertCamelCase(agent);
    }

    [Fact]
    public async Task SendEvent_Valid_Returns202WithMessageIdAndOutcome()
    {
        var id = await _server.RegisterAsync("echo");
        var body = new JsonObject { ["type"] = "order.created", ["payload"] = new JsonObject { ["n"] = 1 }, ["priority"] = "high", ["id"] = "client-msg-1" };

        using var response = await _server.Http.PostAsync($"/v1/agents/{id}/events", ServerHost.Json(body), Token);

        var accepted = (await response.AssertJsonAsync(202)).AsObject();
        Assert.Equal("client-msg-1", accepted["messageId"]!.GetValue<string>());
        Assert.Equal("handled", accepted["outcome"]!.GetValue<string>());
        Assert.Null(accepted["error"]);
        Assert.Equal($"/v1/agents/{id}/context", response.Headers.Location?.OriginalString);
        var history = (await _server.GetJsonAsync($"/v1/agents/{id}/context"))["history"]!.AsArray();
        var entry = Assert.Single(history)!;
        Assert.Equal("client-msg-1", entry["messageId"]!.GetValue<string>());
        Assert.Equal("order.created", entry["type"]!.GetValue<string>());
        Assert.Equal(1, entry["payload"]!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task SendEvent_NoId_GeneratesMessageId()
    {
        var id = await _server.RegisterAsync("purpose");
        var body = new JsonObject { ["type"] = "aos.context.set", ["payload"] = new JsonObject { ["key"] = "k", ["value"] = 7 } };

        using var response = await _server.Http.PostAsync($"/v1/agents/{id}/events", ServerHost.Json(body), Token);

        var accepted = await response.AssertJsonAsync(202);
        Assert.False(string.IsNullOrWhiteSpace(accepted["messageId"]!.GetValue<string>()));
        Assert.Equal("handled", accepted["outcome"]!.GetValue<string>());
        Assert.Equal(7, (await _server.GetJsonAsync($"/v1/agents/{id}/context"))["values"]!["k"]!.GetValue<int>());
    }

    [Fact]
    public async Task SendRequest_Echo_RepliesWithExactShape()
    {
        var id = await _server.RegisterAsync("echo");
        var body = new JsonObject { ["type"] = "hello", ["payload"] = new JsonObject { ["name"] = "Ada", ["n"] = 2 }, ["id"] = "req-1" };

        using var response = await _server.Http.PostAsync($"/v1/agents/{id}/requests", ServerHost.Json(body), Token);

        var reply = await response.AssertJsonAsync(200);
        var expected = JsonNode.Parse("""{"messageId":"req-1","reply":{"type":"echo","payload":{"name":"Ada","n":2}}}""");
        Assert.True(JsonNode.DeepEquals(expected, reply), reply.ToJsonString());
    }

    [Fact]
    public async Task SendRequest_PurposeGoal_RepliesWithGoalAndKeepsIt()
    {
        var id = await _server.RegisterAsync("purpose", purpose: "Ship the release.");
        var body = new JsonObject { ["type"] = "aos.goal.add", ["payload"] = new JsonObject { ["description"] = "Write tests" } };

        using var response = await _server.Http.PostAsync($"/v1/agents/{id}/requests", ServerHost.Json(body), Token);

        var goal = (await response.AssertJsonAsync(200))["reply"]!;
        Assert.Equal("Write tests", goal["description"]!.GetValue<string>());
        var goals = (await _server.GetJsonAsync($"/v1/agents/{id}/context"))["goals"]!.AsArray();
        Assert.Equal(goal["id"]!.GetValue<string>(), Assert.Single(goals)!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetContext_NewAgent_ReturnsEveryEmptySection()
    {
        var id = await _server.RegisterAsync("purpose");

        var context = (await _server.GetJsonAsync($"/v1/agents/{id}/context")).AsObject();

        Assert.Equal(["values", "counters", "goals", "history", "memory", "decisions"], context.Select(p => p.Key));
        Assert.Empty(context["values"]!.AsObject());
        Assert.Empty(context["history"]!.AsArray());
    }

    [Fact]
    public async Task GetContext_Limit_ReturnsTheNewestEntries()
    {
        var id = await _server.RegisterAsync("echo");
        for (var i = 0; i < 5; i++)
        {
            await SendEventAsync(id, "tick", $"m{i}");
        }

        var history = (await _server.GetJsonAsync($"/v1/agents/{id}/context?limit=2"))["history"]!.AsArray();

        Assert.Equal(["m3", "m4"], history.Select(h => h!["messageId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task DeregisterAgent_Registered_Returns204AndForgetsIt()
    {
        var id = await _server.RegisterAsync("echo");
        await SendEventAsync(id, "tick");

        using var response = await _server.Http.DeleteAsync($"/v1/agents/{id}", Token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var get = await _server.Http.GetAsync($"/v1/agents/{id}", Token);
        await get.AssertProblemAsync(404);
        using var again = await _server.Http.PostAsync("/v1/agents", ServerHost.Json(new JsonObject { ["id"] = id, ["type"] = "purpose" }), Token);
        await again.AssertJsonAsync(201);
        var context = await _server.GetJsonAsync($"/v1/agents/{id}/context");
        Assert.Empty(context["history"]!.AsArray());
    }

    [Fact]
    public async Task ListAgents_Filters_ReturnOnlyMatchingAgents()
    {
        var capability = ServerHost.NewId("cap");
        var echo = await _server.RegisterAsync("echo", capabilities: capability);
        var purpose = await _server.RegisterAsync("purpose", capabilities: capability);
        await _server.RegisterAsync("echo");
        await SendEventAsync(echo, "wake");

        var byCapability = await ListIdsAsync($"capability={capability}");
        var byTypeAndCapability = await ListIdsAsync($"capability={capability}&type=purpose");
        var active = await ListIdsAsync($"capability={capability}&status=active");
        var sleeping = await ListIdsAsync($"capability={capability}&status=Sleeping");
        var failed = await ListIdsAsync($"capability={capability}&status=failed");

        Assert.Equal(new[] { echo, purpose }.Order(StringComparer.Ordinal), byCapability);
        Assert.Equal([purpose], byTypeAndCapability);
        Assert.Equal([echo], active);
        Assert.Equal([purpose], sleeping);
        Assert.Empty(failed);
    }

    [Fact]
    public async Task ListAgents_Paging_WalksEveryAgentOnceInIdOrder()
    {
        var capability = ServerHost.NewId("page");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _server.RegisterAsync(i % 2 == 0 ? "echo" : "purpose", id: $"{capability}-{i}", capabilities: capability));
        }

        var seen = new List<string>();
        var pages = 0;
        string? after = null;
        do
        {
            var page = await _server.GetJsonAsync($"/v1/agents?capability={capability}&limit=2" + (after is null ? string.Empty : $"&after={after}"));
            var items = page["items"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToList();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items);
            after = page["next"]?.GetValue<string>();
            if (after is not null)
            {
                Assert.Equal(items[^1], after);
            }

            pages++;
        }
        while (after is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task ListAgents_LastPage_OmitsNext()
    {
        var capability = ServerHost.NewId("last");
        await _server.RegisterAsync("echo", capabilities: capability);

        var page = (await _server.GetJsonAsync($"/v1/agents?capability={capability}&limit=1")).AsObject();

        Assert.Single(page["items"]!.AsArray());
        Assert.Null(page["next"]);
    }

    private async Task SendEventAsync(string id, string type, string? messageId = null)
    {
        using var response = await _server.Http.PostAsync($"/v1/agents/{id}/events", ServerHost.Json(new JsonObject { ["type"] = type, ["id"] = messageId }), Token);
        await response.AssertJsonAsync(202);
    }

    private async Task<List<string>> ListIdsAsync(string query) =>
        [.. (await _server.GetJsonAsync("/v1/agents?" + query))["items"]!.AsArray().Select(a => a!["id"]!.GetValue<string>())];

    private static void AssertCamelCase(JsonObject json)
    {
        foreach (var (name, _) in json)
        {
            Assert.True(char.IsLower(name[0]), $"Property '{name}' is not camelCase.");
        }
    }
}
