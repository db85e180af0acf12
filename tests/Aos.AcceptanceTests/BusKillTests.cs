using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Aos.AcceptanceTests;

/// <summary>
/// Kills <c>aos up</c> with SIGKILL while published messages wait for delivery: each is processed exactly once after the restart, on the
/// embedded transport and on NATS JetStream.
/// </summary>
public sealed class BusKillTests
{
    private const int Agents = 4;
    private const int Publishers = 4;
    private const int MessagesPerPublisher = 50;

    // One message per delivery and one delivery at a time on the node, against four concurrent publishers: each commit accepts up to
    // four messages and settles one, so accepted messages are still waiting when the node is killed.
    private static readonly Dictionary<string, string> SlowDispatch = new()
    {
        ["AOS__BUS__MAXCONCURRENTDELIVERIES"] = "1",
        ["AOS__BUS__MAXDELIVERYBATCH"] = "1",
    };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("nats")]
    public async Task KillBetweenAcceptanceAndDelivery_EveryAcceptedMessageIsProcessedOnceAfterRestart(string transport)
    {
        var prefix = "AOSKILL" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var bus = new Dictionary<string, string>();
        if (transport == "nats")
        {
            await ClusterServices.RequireNatsAsync();
            bus["AOS__BUS__TRANSPORT"] = "nats";
            bus["AOS__NATS__TRANSPORT__URL"] = ClusterServices.Nats;
            bus["AOS__NATS__TRANSPORT__STREAMPREFIX"] = prefix;
        }

        try
        {
            await KillAndRestartAsync(bus);
        }
        finally
        {
            if (transport == "nats")
            {
                await ClusterServices.DeleteNatsAsync([prefix]);
            }
        }
    }

    private static async Task KillAndRestartAsync(Dictionary<string, string> bus)
    {
        using var data = new TempDirectory();
        var agentIds = Enumerable.Range(0, Agents).Select(i => $"sub-{i}").ToArray();
        var accepted = new ConcurrentBag<string>();
        var pendingAtKill = 0;

        await using (var first = await AosUpProcess.StartAsync(data.Path, new Dictionary<string, string>(SlowDispatch.Concat(bus))))
        {
            var body = new JsonArray([.. agentIds.Select(id => (JsonNode?)new JsonObject { ["id"] = id, ["type"] = "echo", ["subscriptions"] = new JsonArray("load.>") })]);
            using (var registered = await first.Http.PostAsync("/v1/agents", Json(body), TestContext.Current.CancellationToken))
            {
                Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            }

            await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => Task.Run(async () =>
            {
                for (var n = 0; n < MessagesPerPublisher; n++)
                {
                    var id = $"p{p}-m{n}";
                    using var response = await first.Http.PostAsync("/v1/topics/load.tick/messages", Json(new JsonObject { ["type"] = "load.tick", ["id"] = id }));
                    Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    accepted.Add(id);
                }
            })));

            foreach (var id in accepted.Take(50))
            {
                var status = JsonNode.Parse(await first.Http.GetStringAsync($"/v1/messages/{id}", TestContext.Current.CancellationToken))!;
                pendingAtKill += status["deliveries"]!.AsArray().Count(d => d!["status"]!.GetValue<string>() == "pending");
            }

            Assert.Equal(137, await first.KillAsync());
        }

        Assert.True(pendingAtKill > 0, "Every message was delivered before the kill; the test did not exercise a crash between acceptance and delivery.");
        TestContext.Current.TestOutputHelper?.WriteLine($"{accepted.Count} messages accepted; at least {pendingAtKill} deliveries were pending at the kill.");

        await using var second = await AosUpProcess.StartAsync(data.Path, bus);
        await WaitForSettledAsync(second, accepted);
        foreach (var agent in agentIds)
        {
            var history = await HistoryAsync(second, agent);
            var duplicates = history.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            var missing = accepted.Except(history, StringComparer.Ordinal).ToList();
            Assert.True(duplicates.Count == 0, $"{agent} processed messages twice: {string.Join(", ", duplicates)}");
            Assert.True(missing.Count == 0, $"{agent} never processed: {string.Join(", ", missing)}");
            Assert.Equal(accepted.Count, history.Count);
        }
    }

    private static async Task WaitForSettledAsync(AosUpProcess node, IEnumerable<string> accepted)
    {
        // The node delivers the backlog by itself after the restart; the server holds each read until the message is settled.
        foreach (var id in accepted)
        {
            var status = JsonNode.Parse(await node.Http.GetStringAsync($"/v1/messages/{id}?waitMs=60000", TestContext.Current.CancellationToken))!;
            Assert.True(status["status"]!.GetValue<string>() == "delivered", $"{id} is {status["status"]} after the restart: {status.ToJsonString()}");
        }
    }

    private static async Task<List<string>> HistoryAsync(AosUpProcess node, string agent)
    {
        var context = JsonNode.Parse(await node.Http.GetStringAsync($"/v1/agents/{agent}/context?limit=1000", TestContext.Current.CancellationToken))!;
        return [.. context["history"]!.AsArray().Where(h => h!["type"]!.GetValue<string>() == "load.tick").Select(h => h!["messageId"]!.GetValue<string>())];
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}
