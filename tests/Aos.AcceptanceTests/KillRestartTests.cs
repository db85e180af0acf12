using System.Text.Json.Nodes;
using Aos.Testing;

namespace Aos.AcceptanceTests;

/// <summary>Drives a real <c>aos up</c> through the CLI, kills it with SIGKILL, restarts it and finds everything kept.</summary>
public sealed class KillRestartTests
{
    [Fact]
    public async Task KillAndRestart_EveryBuiltInType_KeepsAgentsCountersContextAndConversation()
    {
        using var data = new TempDirectory();
        await using var model = await FakeChatModelServer.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["AOS__MODELS__DEFAULT__ENDPOINT"] = model.Endpoint.ToString(),
            ["AOS__MODELS__DEFAULT__MODEL"] = "fake-model",
        };

        var first = await AosUpProcess.StartAsync(data.Path, environment);
        var ids = new Dictionary<string, List<string>> { ["echo-1"] = [], ["purpose-1"] = [], ["chat-1"] = [] };
        var before = new Dictionary<string, JsonNode>();
        string goalId;
        await using (first)
        {
            var server = first.Url;
            await AosCli.JsonAsync(server, "agents", "register", "--id", "echo-1", "--type", "echo", "--capability", "echoing");
            await AosCli.JsonAsync(server, "agents", "register", "--id", "purpose-1", "--type", "purpose", "--purpose", "Ship version one.");
            await AosCli.JsonAsync(server, "agents", "register", "--id", "chat-1", "--type", "chat", "--purpose", "You are terse.");

            // Echo: two events and a request.
            ids["echo-1"].Add(await SendAsync(server, "echo-1", "order.created", """{"n":1}"""));
            ids["echo-1"].Add(await SendAsync(server, "echo-1", "order.created", """{"n":2}"""));
            var echo = await AosCli.JsonAsync(server, "agents", "request", "echo-1", "hello", "--payload", """{"name":"Ada"}""");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"echo","payload":{"name":"Ada"}}"""), echo["reply"]), echo.ToJsonString());
            ids["echo-1"].Add(echo["messageId"]!.GetValue<string>());

            // Purpose: a context value, a goal with progress, a decision.
            ids["purpose-1"].Add(await SendAsync(server, "purpose-1", "aos.context.set", """{"key":"mood","value":{"level":"calm","since":3}}"""));
            var goal = await AosCli.JsonAsync(server, "agents", "request", "purpose-1", "aos.goal.add", "--payload", """{"description":"Write the tests"}""");
            goalId = goal["reply"]!["id"]!.GetValue<string>();
            ids["purpose-1"].Add(goal["messageId"]!.GetValue<string>());
            ids["purpose-1"].Add(await SendAsync(server, "purpose-1", "aos.goal.update", $$"""{"goalId":"{{goalId}}","progress":0.5}"""));
            ids["purpose-1"].Add(await SendAsync(server, "purpose-1", "aos.decision.record", """{"decision":"Use SQLite","rationale":"Embedded and durable."}"""));

            // Chat: two turns against the fake model.
            Assert.Equal("turn 1: hello there", await ChatAsync(server, ids, """{"message":"hello there"}"""));
            Assert.Equal("turn 2: and again", await ChatAsync(server, ids, "\"and again\""));

            foreach (var id in ids.Keys)
            {
                before[id] = await AosCli.JsonAsync(server, "agents", "show", id);
                Assert.Equal("active", before[id]["status"]!.GetValue<string>());
            }

            Assert.Equal(137, await first.KillAsync());
        }

        await using var second = await AosUpProcess.StartAsync(data.Path, environment);
        var restarted = second.Url;

        // Listed through the CLI, as sleeping: the silo that had them active is gone.
        var list = await AosCli.JsonAsync(restarted, "agents", "list");
        var items = list["items"]!.AsArray().ToDictionary(a => a!["id"]!.GetValue<string>(), a => a!);
        Assert.Equal(ids.Keys.Order(StringComparer.Ordinal), items.Keys.Order(StringComparer.Ordinal));
        Assert.All(items.Values, a => Assert.Equal("sleeping", a["status"]!.GetValue<string>()));

        foreach (var id in ids.Keys)
        {
            var viaCli = await AosCli.JsonAsync(restarted, "agents", "show", id);
            var viaHttp = JsonNode.Parse(await second.Http.GetStringAsync($"/v1/agents/{id}", TestContext.Current.CancellationToken))!;
            foreach (var agent in new[] { viaCli, viaHttp })
            {
                Assert.Equal("sleeping", agent["status"]!.GetValue<string>());
                Assert.Equal(before[id]["type"]!.GetValue<string>(), agent["type"]!.GetValue<string>());
                Assert.Equal(before[id]["wakeCount"]!.GetValue<long>(), agent["wakeCount"]!.GetValue<long>());
                Assert.Equal(before[id]["eventsProcessed"]!.GetValue<long>(), agent["eventsProcessed"]!.GetValue<long>());
                Assert.Equal(ids[id].Count, agent["eventsProcessed"]!.GetValue<long>());
                Assert.Equal(before[id]["lastEventAt"]!.GetValue<DateTimeOffset>(), agent["lastEventAt"]!.GetValue<DateTimeOffset>());
            }
        }

        Assert.Equal(["echoing"], items["echo-1"]!["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));

        // The purpose agent's context, through the CLI and over HTTP.
        var shown = await AosCli.JsonAsync(restarted, "agents", "show", "purpose-1", "--context");
        var context = JsonNode.Parse(await second.Http.GetStringAsync("/v1/agents/purpose-1/context?limit=1000", TestContext.Current.CancellationToken))!;
        Assert.True(JsonNode.DeepEquals(shown["context"], context), $"CLI: {shown["context"]!.ToJsonString()}\nHTTP: {context.ToJsonString()}");
        Assert.Equal("Ship version one.", shown["agent"]!["purpose"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"level":"calm","since":3}"""), context["values"]!["mood"]), context.ToJsonString());
        var goalAfter = Assert.Single(context["goals"]!.AsArray())!;
        Assert.Equal(goalId, goalAfter["id"]!.GetValue<string>());
        Assert.Equal("Write the tests", goalAfter["description"]!.GetValue<string>());
        Assert.Equal(0.5, goalAfter["progress"]!.GetValue<double>());
        Assert.False(goalAfter["completed"]!.GetValue<bool>());
        Assert.Equal("Use SQLite", Assert.Single(context["decisions"]!.AsArray())!["decision"]!.GetValue<string>());
        Assert.Equal(ids["purpose-1"], HistoryIds(context));
        Assert.All(context["history"]!.AsArray(), h => Assert.Equal("handled", h!["outcome"]!.GetValue<string>()));

        foreach (var id in new[] { "echo-1", "chat-1" })
        {
            var history = JsonNode.Parse(await second.Http.GetStringAsync($"/v1/agents/{id}/context?limit=1000", TestContext.Current.CancellationToken))!;
            Assert.Equal(ids[id], HistoryIds(history));
        }

        // The conversation goes on: the model sees the turns from before the kill.
        Assert.Equal("turn 3: after the crash", await ChatAsync(restarted, ids, """{"message":"after the crash"}"""));
        var lastRequest = model.Requests[^1];
        Assert.Equal(
            ["system:You are terse.", "user:hello there", "assistant:turn 1: hello there", "user:and again", "assistant:turn 2: and again", "user:after the crash"],
            lastRequest.Select(m => $"{m.Role}:{m.Content}"));

        var chatAfter = await AosCli.JsonAsync(restarted, "agents", "show", "chat-1");
        Assert.Equal("active", chatAfter["status"]!.GetValue<string>());
        Assert.Equal(before["chat-1"]["wakeCount"]!.GetValue<long>() + 1, chatAfter["wakeCount"]!.GetValue<long>());
        Assert.Equal(before["chat-1"]["eventsProcessed"]!.GetValue<long>() + 1, chatAfter["eventsProcessed"]!.GetValue<long>());

        Assert.Equal(0, await second.StopAsync());
    }

    private static async Task<string> SendAsync(Uri server, string id, string type, string payload)
    {
        var sent = await AosCli.JsonAsync(server, "agents", "send", id, type, "--payload", payload);
        Assert.Equal("handled", sent["outcome"]!.GetValue<string>());
        return sent["messageId"]!.GetValue<string>();
    }

    private static async Task<string> ChatAsync(Uri server, Dictionary<string, List<string>> ids, string payload)
    {
        var reply = await AosCli.JsonAsync(server, "agents", "request", "chat-1", "chat", "--payload", payload);
        ids["chat-1"].Add(reply["messageId"]!.GetValue<string>());
        return reply["reply"]!["text"]!.GetValue<string>();
    }

    private static List<string> HistoryIds(JsonNode context) =>
        [.. context["history"]!.AsArray().Select(h => h!["messageId"]!.GetValue<string>())];
}
