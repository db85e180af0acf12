using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aos.Hosting;
using Aos.Kernel.Messaging;
using Aos.Messaging;
using Aos.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Server.Tests;

public sealed class MessageEndpointsTests(ServerFixture fixture) : IDisposable
{
    private readonly ServerHost _server = fixture.Server;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _settled = new(StringComparer.Ordinal);
    private readonly MessageDispatcher _dispatcher = fixture.Server.Services.GetRequiredService<MessageDispatcher>();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _dispatcher.Settled -= OnSettled;

    [Fact]
    public async Task PublishOnTopic_Returns202WithRecipients_AndTheMessageCanBeFollowed()
    {
        var topic = "reports." + Guid.NewGuid().ToString("N");
        var subscriber = await RegisterAsync(topic.Split('.')[0] + ".*");
        Watch();

        using var response = await _server.Http.PostAsync($"/v1/topics/{topic}/messages", ServerHost.Json(new JsonObject
        {
            ["type"] = "report.ready",
            ["payload"] = new JsonObject { ["n"] = 1 },
            ["priority"] = "high",
            ["conversationId"] = "c-" + topic,
        }), Token);

        var accepted = (await response.AssertJsonAsync(202)).AsObject();
        var id = accepted["id"]!.GetValue<string>();
        Assert.Equal([subscriber], accepted["recipients"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal($"/v1/messages/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("delivered", await SettledAsync(id));

        var message = await _server.GetJsonAsync($"/v1/messages/{id}");
        Assert.Equal("delivered", message["status"]!.GetValue<string>());
        Assert.Equal("high", message["priority"]!.GetValue<string>());
        Assert.Equal(topic, message["topic"]!.GetValue<string>());
        var delivery = Assert.Single(message["deliveries"]!.AsArray())!;
        Assert.Equal(subscriber, delivery["recipient"]!.GetValue<string>());
        Assert.Equal(1, delivery["attempts"]!.GetValue<int>());
        var conversation = await _server.GetJsonAsync($"/v1/conversations/c-{topic}");
        Assert.Equal(id, conversation["messages"]![0]!["messageId"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendToUnknownAgent_IsDeadLettered_ListedAndReplayable()
    {
        var ghost = ServerHost.NewId("ghost");
        Watch();

        using var sent = await _server.Http.PostAsync($"/v1/agents/{ghost}/messages", ServerHost.Json(new JsonObject { ["type"] = "hello" }), Token);
        var id = (await sent.AssertJsonAsync(202))["id"]!.GetValue<string>();
        Assert.Equal(DeadLetterReasons.TargetNotFound, await SettledAsync(id));

        var message = await _server.GetJsonAsync($"/v1/messages/{id}");
        Assert.Equal("dead-lettered", message["status"]!.GetValue<string>());
        Assert.Equal("target-not-found", message["deliveries"]![0]!["reason"]!.GetValue<string>());
        var deadLetters = await AllDeadLettersAsync();
        Assert.Contains(deadLetters, d => d["id"]!.GetValue<string>() == id && d["recipient"]!.GetValue<string>() == ghost);

        await _server.RegisterAsync("echo", ghost);
        _settled.TryRemove(id, out _);
        using var replay = await _server.Http.PostAsync($"/v1/dead-letters/{id}/replay", null, Token);
        Assert.Equal(1, (await replay.AssertJsonAsync(200))["replayed"]!.GetValue<int>());
        Assert.Equal("delivered", await SettledAsync(id));

        using var again = await _server.Http.PostAsync($"/v1/dead-letters/{id}/replay", null, Token);
        Assert.Contains("no dead letters", (await again.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadLetter_Discarded_IsNoLongerListedOrReplayable()
    {
        var ghost = ServerHost.NewId("ghost");
        Watch();
        using var sent = await _server.Http.PostAsync($"/v1/agents/{ghost}/messages", ServerHost.Json(new JsonObject { ["type"] = "hello" }), Token);
        var id = (await sent.AssertJsonAsync(202))["id"]!.GetValue<string>();
        Assert.Equal(DeadLetterReasons.TargetNotFound, await SettledAsync(id));

        using var discard = await _server.Http.DeleteAsync($"/v1/dead-letters/{id}", Token);
        var discarded = await discard.AssertJsonAsync(200);
        Assert.Equal((id, 1), (discarded["id"]!.GetValue<string>(), discarded["discarded"]!.GetValue<int>()));

        Assert.DoesNotContain(await AllDeadLettersAsync(), d => d["id"]!.GetValue<string>() == id);
        using var replay = await _server.Http.PostAsync($"/v1/dead-letters/{id}/replay", null, Token);
        await replay.AssertProblemAsync(404);
        using var again = await _server.Http.DeleteAsync($"/v1/dead-letters/{id}", Token);
        await again.AssertProblemAsync(404);
        using var unknown = await _server.Http.DeleteAsync("/v1/dead-letters/" + Guid.NewGuid().ToString("N"), Token);
        await unknown.AssertProblemAsync(404);
    }

    [Fact]
    public async Task DiscardDeadLetter_OfAMessageThatHasNone_IsRefusedWith400()
    {
        var echo = ServerHost.NewId("echo");
        await _server.RegisterAsync("echo", echo);
        Watch();
        using var sent = await _server.Http.PostAsync($"/v1/agents/{echo}/messages", ServerHost.Json(new JsonObject { ["type"] = "hello" }), Token);
        var id = (await sent.AssertJsonAsync(202))["id"]!.GetValue<string>();
        Assert.Equal("delivered", await SettledAsync(id));

        using var discard = await _server.Http.DeleteAsync($"/v1/dead-letters/{id}", Token);

        Assert.Contains("no dead letters to discard", (await discard.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMessage_WithWaitMs_AnswersOnceNoDeliveryIsPending()
    {
        var ghost = ServerHost.NewId("ghost");
        using var sent = await _server.Http.PostAsync($"/v1/agents/{ghost}/messages", ServerHost.Json(new JsonObject { ["type"] = "hello" }), Token);
        var id = (await sent.AssertJsonAsync(202))["id"]!.GetValue<string>();

        var settled = await _server.GetJsonAsync($"/v1/messages/{id}?waitMs=30000");
        using var tooLong = await _server.Http.GetAsync($"/v1/messages/{id}?waitMs=600000", Token);

        Assert.Equal("dead-lettered", settled["status"]!.GetValue<string>());
        Assert.Equal("target-not-found", settled["deliveries"]![0]!["reason"]!.GetValue<string>());
        Assert.Contains("waitMs", (await tooLong.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameMessageIdTwice_SecondListsTheRecipientAsDuplicate()
    {
        var agent = await _server.RegisterAsync("echo");
        var body = new JsonObject { ["type"] = "hello", ["id"] = Guid.NewGuid().ToString("N") };

        using var first = await _server.Http.PostAsync($"/v1/agents/{agent}/messages", ServerHost.Json(body.DeepClone()), Token);
        using var second = await _server.Http.PostAsync($"/v1/agents/{agent}/messages", ServerHost.Json(body.DeepClone()), Token);

        Assert.Equal([agent], (await first.AssertJsonAsync(202))["recipients"]!.AsArray().Select(r => r!.GetValue<string>()));
        var duplicate = await second.AssertJsonAsync(202);
        Assert.Empty(duplicate["recipients"]!.AsArray());
        Assert.Equal([agent], duplicate["duplicates"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task Broadcast_ReachesThePrefix_ButNotItsSender_AndOnlyAnAgentSendsAsItself()
    {
        var prefix = ServerHost.NewId("fleet");
        var a = await _server.RegisterAsync("echo", prefix + "-a");
        var b = await _server.RegisterAsync("echo", prefix + "-b");

        await (await _server.Http.PutAsync($"/v1/agents/{a}/grants", ServerHost.Json(new JsonObject { ["agents"] = new JsonArray(prefix + "*") }), Token)).AssertJsonAsync(200);
        var secret = (await (await _server.Http.PostAsync($"/v1/agents/{a}/credentials", ServerHost.Json(new JsonObject()), Token)).AssertJsonAsync(201))["secret"]!.GetValue<string>();
        using var asA = _server.Client(secret);

        // Only a's own credential sends as a; anyone else naming a as the source is refused, and nothing is sent.
        using var forged = await _server.Http.PostAsync("/v1/broadcasts", ServerHost.Json(new JsonObject { ["type"] = "hello", ["prefix"] = prefix, ["source"] = a }), Token);
        using var response = await asA.PostAsync("/v1/broadcasts", ServerHost.Json(new JsonObject { ["type"] = "hello", ["prefix"] = prefix }), Token);
        using var labelled = await _server.Http.PostAsync("/v1/broadcasts", ServerHost.Json(new JsonObject { ["type"] = "hello", ["prefix"] = prefix, ["source"] = "nightly-job" }), Token);

        Assert.Equal("source", (await forged.AssertProblemAsync(400))["field"]!.GetValue<string>());
        Assert.Equal([b], (await response.AssertJsonAsync(202))["recipients"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal([a, b], (await labelled.AssertJsonAsync(202))["recipients"]!.AsArray().Select(r => r!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task ConversationSignOffs_ByHoldersOfTheRoles_CompleteTheConversation_AndRefuseWhatIsNotAllowed()
    {
        var tenant = await _server.CreateTenantAsync();
        using (var superuser = _server.Client(_server.ApiKey, tenant))
        {
            foreach (var role in new[] { "reviewer", "approver" })
            {
                var body = new JsonObject { ["name"] = role, ["permissions"] = new JsonArray("messages:read", "conversations:sign") };
                await (await superuser.PostAsync("/v1/roles", ServerHost.Json(body), Token)).AssertJsonAsync(201);
            }
        }

        using var ann = await _server.SignedInUserAsync(tenant, "ann", AosRoles.User, "reviewer");
        using var bob = await _server.SignedInUserAsync(tenant, "bob", AosRoles.User, "reviewer");
        using var cy = await _server.SignedInUserAsync(tenant, "cy", AosRoles.User, "approver");
        using var manager = _server.Client(_server.ApiKey, tenant);
        var id = ServerHost.NewId("conv");
        using var roles = await manager.PutAsync($"/v1/conversations/{id}/required-roles", ServerHost.Json(new JsonObject { ["roles"] = new JsonArray("reviewer", "approver") }), Token);
        Assert.Equal("open", (await roles.AssertJsonAsync(200))["status"]!.GetValue<string>());

        using var notRequired = await manager.PostAsync($"/v1/conversations/{id}/sign-offs", ServerHost.Json(new JsonObject { ["role"] = "superuser" }), Token);
        await notRequired.AssertProblemAsync(400);
        using var notHeld = await ann.PostAsync($"/v1/conversations/{id}/sign-offs", ServerHost.Json(new JsonObject { ["role"] = "approver" }), Token);
        Assert.Contains("does not hold the role 'approver'", (await notHeld.AssertProblemAsync(403)).Detail());
        using var asSomeoneElse = await ann.PostAsync($"/v1/conversations/{id}/sign-offs", ServerHost.Json(new JsonObject { ["role"] = "reviewer", ["by"] = "cy" }), Token);
        Assert.Equal("by", (await asSomeoneElse.AssertProblemAsync(400))["field"]!.GetValue<string>());
        using var first = await ann.PostAsync($"/v1/conversations/{id}/sign-offs", ServerHost.Json(new JsonObject { ["role"] = "reviewer" }), Token);
        Assert.Equal("open", (await first.AssertJsonAsync(200))["status"]!.GetValue<string>());
        using var twice = await bob.PostAsync($"/v1/conversations/{id}/sign-offs", ServerHost.Json(new JsonObject { ["role"] = "reviewer" }), Token);
        await twice.AssertProblemAsync(400);
        using var last = await cy.PostAsync($"/v1/conversations/{id}/sign-offs", ServerHost.Json(new JsonObject { ["role"] = "approver" }), Token);

        var done = await last.AssertJsonAsync(200);
        Assert.Equal("completed", done["status"]!.GetValue<string>());
        Assert.Equal([$"user:{tenant}/ann", $"user:{tenant}/cy"], done["signOffs"]!.AsArray().Select(s => s!["by"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Subscriptions_AddedOverHttp_RouteLaterPublishes()
    {
        var agent = await _server.RegisterAsync("echo");
        var topic = "alerts." + Guid.NewGuid().ToString("N");

        using var added = await _server.Http.PostAsync($"/v1/agents/{agent}/subscriptions", ServerHost.Json(new JsonObject { ["pattern"] = "alerts.>" }), Token);
        using var published = await _server.Http.PostAsync($"/v1/topics/{topic}/messages", ServerHost.Json(new JsonObject { ["type"] = "alert" }), Token);
        using var removed = await _server.Http.DeleteAsync($"/v1/agents/{agent}/subscriptions?pattern=alerts.%3E", Token);
        using var removedAgain = await _server.Http.DeleteAsync($"/v1/agents/{agent}/subscriptions?pattern=alerts.%3E", Token);

        Assert.Equal(201, (int)added.StatusCode);
        Assert.Contains(agent, (await published.AssertJsonAsync(202))["recipients"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(204, (int)removed.StatusCode);
        await removedAgain.AssertProblemAsync(400);
    }

    [Theory]
    [InlineData("/v1/topics/orders..created/messages", """{"type":"x"}""", "empty segment")]
    [InlineData("/v1/topics/orders.*/messages", """{"type":"x"}""", "wildcard")]
    [InlineData("/v1/topics/orders/messages", """{"payload":1}""", "type")]
    [InlineData("/v1/topics/orders/messages", """{"type":"x","ttlMs":0}""", "ttlMs")]
    [InlineData("/v1/topics/orders/messages", """{"type":"x","ttlMs":-5}""", "ttlMs is -5")]
    [InlineData("/v1/topics/orders/messages", """{"type":"x","ttlMs":9000000000000000}""", "at most 31536000000 (365 days)")]
    [InlineData("/v1/topics/orders/messages", """{"type":"x","replyTo":"workflow:run/step/1/0"}""", "only the workflow engine")]
    [InlineData("/v1/topics/orders/messages", """{"type":"x","replyTo":"a b"}""", "'replyTo' must be the id of the agent")]
    [InlineData("/v1/topics/orders/messages", """{"type":"x","priority":"urgent"}""", "")]
    [InlineData("/v1/agents/a b/messages", """{"type":"x"}""", "")]
    [InlineData("/v1/dead-letters/x/replay", "", "No message")]
    public async Task BadInput_IsRefusedWithAProblem_AndStoresNothing(string path, string body, string detail)
    {
        using var response = await _server.Http.PostAsync(path, ServerHost.Json(body), Token);

        var status = path.Contains("replay", StringComparison.Ordinal) ? 404 : 400;
        var problem = await response.AssertProblemAsync(status);
        Assert.Contains(detail, problem.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownMessageAndConversation_Are404Problems()
    {
        using var message = await _server.Http.GetAsync("/v1/messages/" + Guid.NewGuid().ToString("N"), Token);
        using var conversation = await _server.Http.GetAsync("/v1/conversations/" + Guid.NewGuid().ToString("N"), Token);

        await message.AssertProblemAsync(404);
        await conversation.AssertProblemAsync(404);
    }

    [Fact]
    public async Task FullInbox_Is429WithRetryAfter_AndNothingIsStored()
    {
        await using var server = await ServerHost.StartAsync(["--Aos:Bus:InboxCapacity=1"], aos =>
        {
            aos.Services.AddSingleton<SlowGates>();
            aos.AddAgent<SlowAgent>();
        });
        var agent = await server.RegisterAsync("slow");
        var gates = server.Services.GetRequiredService<SlowGates>();
        var held = server.Http.PostAsync($"/v1/agents/{agent}/requests", ServerHost.Json("""{"type":"wait"}"""), Token);
        await gates.Entered(agent).Task.WaitAsync(TimeSpan.FromSeconds(30), Token);

        using var first = await server.Http.PostAsync($"/v1/agents/{agent}/messages", ServerHost.Json("""{"type":"ping"}"""), Token);
        using var refused = await server.Http.PostAsync($"/v1/agents/{agent}/messages", ServerHost.Json("""{"type":"ping","id":"refused-1"}"""), Token);

        await first.AssertJsonAsync(202);
        var problem = await refused.AssertProblemAsync(429);
        Assert.Contains("is full", problem.Detail(), StringComparison.Ordinal);
        Assert.Equal(1, problem["retryAfterSeconds"]!.GetValue<int>());
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        using var notStored = await server.Http.GetAsync("/v1/messages/refused-1", Token);
        await notStored.AssertProblemAsync(404);
        gates.For(agent).TrySetResult();
        (await held).Dispose();
    }

    private async Task<string> RegisterAsync(string subscription)
    {
        var id = ServerHost.NewId("sub");
        using var response = await _server.Http.PostAsync("/v1/agents", ServerHost.Json(new JsonObject
        {
            ["id"] = id,
            ["type"] = "echo",
            ["subscriptions"] = new JsonArray(subscription),
        }), Token);
        await response.AssertJsonAsync(201);
        return id;
    }

    private async Task<List<JsonNode>> AllDeadLettersAsync()
    {
        var all = new List<JsonNode>();
        string? after = null;
        do
        {
            var page = await _server.GetJsonAsync("/v1/dead-letters?limit=1000" + (after is null ? string.Empty : "&after=" + after));
            all.AddRange(page["items"]!.AsArray().Select(i => i!));
            after = page["next"]?.GetValue<string>();
        }
        while (after is not null);
        return all;
    }

    private void Watch() => _dispatcher.Settled += OnSettled;

    private void OnSettled(TransportMessage message, string outcome)
    {
        if (outcome != "retry")
        {
            _settled.GetOrAdd(message.Envelope.Id, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(outcome);
        }
    }

    private Task<string> SettledAsync(string id) =>
        _settled.GetOrAdd(id, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(30), Token);
}
