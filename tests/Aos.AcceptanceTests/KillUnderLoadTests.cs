using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Aos.AcceptanceTests;

/// <summary>Kills <c>aos up</c> with SIGKILL while events are in flight: every acknowledged event must survive.</summary>
public sealed class KillUnderLoadTests
{
    private const int Agents = 4;
    private const int Workers = 8;
    private const int EventsPerWorker = 25;
    private const int KillAfterAcknowledged = 40;

    [Fact]
    public async Task KillDuringLoad_AcknowledgedEvents_AreAllInHistoryAfterRestart()
    {
        using var data = new TempDirectory();
        var agentIds = Enumerable.Range(0, Agents).Select(i => $"load-{i}").ToArray();
        var acknowledged = new ConcurrentDictionary<string, ConcurrentBag<string>>(agentIds.Select(id => KeyValuePair.Create(id, new ConcurrentBag<string>())));
        var acknowledgedCount = 0;
        var enoughAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refused = new ConcurrentBag<string>();
        int acknowledgedAtKill;

        await using (var first = await AosUpProcess.StartAsync(data.Path))
        {
            var body = new JsonArray([.. agentIds.Select(id => (JsonNode?)new JsonObject { ["id"] = id, ["type"] = "echo" })]);
            using (var registered = await first.Http.PostAsync("/v1/agents", Json(body), TestContext.Current.CancellationToken))
            {
                Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            }

            using var http = new HttpClient { BaseAddress = first.Url };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", first.ApiKey);
            var workers = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
            {
                for (var n = 0; n < EventsPerWorker; n++)
                {
                    var agent = agentIds[(worker + n) % Agents];
                    var messageId = $"w{worker}-e{n}";
                    try
                    {
                        using var response = await http.PostAsync($"/v1/agents/{agent}/events", Json(new JsonObject { ["type"] = "load.tick", ["id"] = messageId, ["payload"] = new JsonObject { ["worker"] = worker, ["n"] = n } }));
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            acknowledged[agent].Add(messageId);
                            if (Interlocked.Increment(ref acknowledgedCount) >= KillAfterAcknowledged)
                            {
                                enoughAcknowledged.TrySetResult();
                            }
                        }
                        else
                        {
                            refused.Add($"{messageId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // The server died under this request (or before it): not acknowledged, so nothing is promised.
                    }
                }
            })).ToArray();

            // Kill once enough are acknowledged; if the workers finish first, the load never got going and the test fails below.
            await Task.WhenAny(enoughAcknowledged.Task, Task.WhenAll(workers)).WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
            Assert.True(enoughAcknowledged.Task.IsCompleted, $"Only {Volatile.Read(ref acknowledgedCount)} events were acknowledged: {string.Join("; ", refused)}\n{first.Describe()}");
            Assert.Equal(137, await first.KillAsync());
            await Task.WhenAll(workers);
            acknowledgedAtKill = Volatile.Read(ref acknowledgedCount);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{acknowledgedAtKill} of {Workers * EventsPerWorker} events acknowledged when aos up was killed.");
        Assert.Empty(refused);
        Assert.InRange(acknowledgedAtKill, KillAfterAcknowledged, (Workers * EventsPerWorker) - 1);

        await using var second = await AosUpProcess.StartAsync(data.Path);
        foreach (var agent in agentIds)
        {
            var context = JsonNode.Parse(await second.Http.GetStringAsync($"/v1/agents/{agent}/context?limit=1000", TestContext.Current.CancellationToken))!;
            var history = context["history"]!.AsArray().Select(h => h!["messageId"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            var missing = acknowledged[agent].Where(id => !history.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"{agent} lost acknowledged events: {string.Join(", ", missing)}");

            var info = JsonNode.Parse(await second.Http.GetStringAsync($"/v1/agents/{agent}", TestContext.Current.CancellationToken))!;
            Assert.True(info["eventsProcessed"]!.GetValue<long>() >= acknowledged[agent].Count, $"{agent}: eventsProcessed {info["eventsProcessed"]} < acknowledged {acknowledged[agent].Count}");
            Assert.Equal(history.Count, info["eventsProcessed"]!.GetValue<long>());
        }

        // The node still serves the agents it recovered.
        using var after = await second.Http.PostAsync($"/v1/agents/{agentIds[0]}/events", Json(new JsonObject { ["type"] = "load.after" }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}
