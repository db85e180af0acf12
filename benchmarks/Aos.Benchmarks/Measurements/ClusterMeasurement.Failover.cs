using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Aos.Benchmarks.Infrastructure;

namespace Aos.Benchmarks.Measurements;

internal static partial class ClusterMeasurement
{
    private static readonly TimeSpan FailoverLimit = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Kills one node per trial with SIGKILL (the nodes in turn) and times the first successful reply, through a surviving node, from an
    /// agent that lived on it; then starts the node again. Each trial places fresh agents, woken through every node in turn.
    /// </summary>
    private static async Task<List<FailoverSample>> MeasureFailoverAsync(BenchCluster cluster, Options options)
    {
        var samples = new List<FailoverSample>();
        for (var trial = 0; trial < options.Failovers; trial++)
        {
            var victim = trial % cluster.Size;
            var survivor = (victim + 1) % cluster.Size;
            var moved = new List<string>();
            for (var round = 0; moved.Count == 0; round++)
            {
                if (round == 5)
                {
                    throw new InvalidOperationException($"No fresh agent was placed on node {victim + 1} in 5 rounds of {options.FailoverAgents}.");
                }

                var agents = Enumerable.Range(0, options.FailoverAgents).Select(i => $"bench-fo-{trial:D2}-{round}-{i:D2}").ToArray();
                await PostAsync(cluster[survivor], "/v1/agents", new JsonArray([.. agents.Select(id => (JsonNode?)new JsonObject { ["id"] = id, ["type"] = "echo" })]), HttpStatusCode.Created);
                for (var i = 0; i < agents.Length; i++)
                {
                    await PostAsync(cluster[i % cluster.Size], $"/v1/agents/{agents[i]}/requests", new JsonObject { ["type"] = "ping" }, HttpStatusCode.OK);
                }

                moved.AddRange(agents.Where(a => cluster[victim].Woke(a)));
            }

            var killed = Stopwatch.GetTimestamp();
            await cluster.KillAsync(victim);
            var answers = await Task.WhenAll(moved.Select(agent => FirstReplyAsync(cluster[survivor], agent, killed)));
            var first = answers.MinBy(a => a.After);
            var sample = new FailoverSample(trial + 1, victim, moved.Count, first.After, answers.Max(a => a.After), first.After - first.LastFailure, answers.Sum(a => a.Failures.Count), answers.SelectMany(a => a.Failures).ToList());
            samples.Add(sample);
            Console.WriteLine(sample.Describe());
            await cluster.StartAsync(victim);
        }

        return samples;
    }

    /// <summary>Asks the agent for a ping reply through <paramref name="node"/> until it answers; returns the time since the kill.</summary>
    private static async Task<(TimeSpan After, TimeSpan LastFailure, List<string> Failures)> FirstReplyAsync(AosNodeProcess node, string agent, long killed)
    {
        var failures = new List<string>();
        var lastFailure = TimeSpan.Zero;
        while (Stopwatch.GetElapsedTime(killed) < FailoverLimit)
        {
            var sent = Stopwatch.GetTimestamp();
            try
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                using var content = Json(new JsonObject { ["type"] = "ping", ["timeoutMs"] = 5000 });
                using var response = await node.Http.PostAsync($"/v1/agents/{agent}/requests", content, limit.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return (Stopwatch.GetElapsedTime(killed), lastFailure, failures);
                }

                var title = await response.Content.ReadAsStringAsync() is { Length: > 0 } text && JsonNode.Parse(text) is JsonObject problem ? problem["title"]?.GetValue<string>() : null;
                failures.Add($"{(int)response.StatusCode} {title} after {Stopwatch.GetElapsedTime(sent).TotalSeconds:0.0} s");
                lastFailure = Stopwatch.GetElapsedTime(killed);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                failures.Add($"{e.GetType().Name} after {Stopwatch.GetElapsedTime(sent).TotalSeconds:0.0} s");
                lastFailure = Stopwatch.GetElapsedTime(killed);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"{agent} did not answer through {node.Url} within {FailoverLimit} of the kill: {string.Join(" | ", failures.TakeLast(5))}");
    }

    private static void PrintFailovers(List<FailoverSample> samples)
    {
        var first = new Percentiles(samples.Select(s => s.FirstReply.TotalSeconds));
        var all = new Percentiles(samples.Select(s => s.AllReplied.TotalSeconds));
        Console.WriteLine();
        Console.WriteLine($"| Failover: `kill -9` of a node → reply through a surviving node ({samples.Count} trials) | p50 s | p99 s{(samples.Count < 100 ? $" (= max of {samples.Count})" : string.Empty)} | min s | mean s |");
        Console.WriteLine("|---|--:|--:|--:|--:|");
        Console.WriteLine($"| First reply from an agent that lived on the killed node | **{first.At(50):0.0}** | **{first.At(99):0.0}** | {first.At(0):0.0} | {first.Mean:0.0} |");
        Console.WriteLine($"| Every agent of the killed node replied | {all.At(50):0.0} | {all.At(99):0.0} | {all.At(0):0.0} | {all.Mean:0.0} |");
        Console.WriteLine();
        Console.WriteLine($"Resolution: the first reply came {new Percentiles(samples.Select(s => s.Resolution.TotalSeconds)).At(50):0.00} s (median; max {samples.Max(s => s.Resolution.TotalSeconds):0.00} s) after the previous failed attempt of the same agent ended.");
        Console.WriteLine($"Failed requests before the replies, by kind: {string.Join(", ", samples.SelectMany(s => s.Failures).Select(f => f.Split(" after ")[0]).GroupBy(f => f).Select(g => $"{g.Key} × {g.Count()}"))}");
    }

    private sealed record FailoverSample(int Trial, int Victim, int Moved, TimeSpan FirstReply, TimeSpan AllReplied, TimeSpan Resolution, int FailedRequests, List<string> Failures)
    {
        public string Describe() =>
            $"Failover {Trial}: killed node {Victim + 1} ({Moved} of its agents probed); first reply after {FirstReply.TotalSeconds:0.00} s (the previous attempt failed {Resolution.TotalSeconds:0.00} s before), all after {AllReplied.TotalSeconds:0.00} s; " +
            $"{FailedRequests} failed requests before ({string.Join(", ", Failures.Take(4))}{(Failures.Count > 4 ? ", …" : string.Empty)})";
    }
}
