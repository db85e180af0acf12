using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Aos.Benchmarks.Infrastructure;
using Orleans.Configuration;

namespace Aos.Benchmarks.Measurements;

/// <summary>
/// Measures a cluster of real <c>aos up</c> processes on this machine, configured as the acceptance test <c>ClusterTests</c> configures
/// its nodes (membership on Redis, state in PostgreSQL, bus on NATS JetStream): events per second with 1, 2 and 3 nodes (the 1-node
/// cluster, same configuration, is the baseline), and the time from <c>kill -9</c> of a node to the first reply from one of its agents
/// through a surviving node.
/// </summary>
/// <remarks>
/// An event is a message posted with <c>POST /v1/agents/{id}/messages</c> that the node accepted (202, durable in the bus) and that the
/// agent processed: its id is in the agent's history (<c>GET /v1/agents/{id}/context</c>). The clients post in a closed loop for a fixed
/// time, spread evenly over the nodes; the rate is the events accepted in that time divided by the time until the last of them was
/// processed (the agents' durable <c>eventsProcessed</c> counters, polled once posting stops, say when).
/// </remarks>
internal static partial class ClusterMeasurement
{
    private const string EventType = "bench.tick";
    private static readonly TimeSpan DrainLimit = TimeSpan.FromMinutes(3);

    /// <summary>Options of the cluster measurement.</summary>
    public sealed record Options(ClusterServers Servers, int Agents, int Clients, int Seconds, int WarmupSeconds, int Failovers, int FailoverAgents, int[] Sizes);

    public static async Task RunAsync(Options options)
    {
        Console.WriteLine();
        Console.WriteLine($"## Cluster: `aos up` processes on one machine ({Environment.ProcessorCount} cores), membership on Redis, state in PostgreSQL, bus on NATS JetStream");
        var aos = FindAos();
        if (aos is null)
        {
            Console.WriteLine("aos.dll not found: build it first with `dotnet build -c Release src/Aos.Cli`. Skipped.");
            return;
        }

        Console.WriteLine();
        Console.WriteLine($"aos.dll: {aos}; Redis {options.Servers.Redis}; PostgreSQL {new Npgsql.NpgsqlConnectionStringBuilder(options.Servers.Postgres) { Password = null }} (MaxPoolSize {options.Servers.MaxPoolSize} per pool); NATS {options.Servers.Nats}");
        if (options.Servers.NodeEnvironment.Count > 0)
        {
            Console.WriteLine($"Experiment: every node also runs with {string.Join(", ", options.Servers.NodeEnvironment.Select(e => $"{e.Key}={e.Value}"))}");
        }

        Console.WriteLine($"{options.Agents} echo agents per cluster; {options.Clients} client loops in all, spread evenly over the nodes, closed loop; {options.WarmupSeconds} s warm-up, then {options.Seconds} s measured");
        var total = CpuMonitor.Start();
        var results = new List<EventsResult>();
        List<FailoverSample>? failovers = null;
        foreach (var size in options.Sizes)
        {
            Console.WriteLine();
            Console.WriteLine($"Starting a {size}-node cluster …");
            await using var cluster = await BenchCluster.StartAsync(options.Servers, aos, size);
            results.Add(await MeasureEventsAsync(cluster, options));
            Console.WriteLine(results[^1].Describe());
            if (size >= 3 && options.Failovers > 0 && failovers is null)
            {
                failovers = await MeasureFailoverAsync(cluster, options);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| Nodes | Client loops per node | Events accepted and processed | Accepted/s while posting | **Events/s** (accepted → all processed) | Ratio to 1 node | Drain after posting s | POST p50 ms | POST p99 ms | Refused (429) / failed posts | Node CPU µs per event | CPU per node with no load, 10–15 s after the warm-up (cores) | Machine busy: nodes / servers / client / other | Verified in history |");
        Console.WriteLine("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
        var baseline = results.FirstOrDefault(r => r.Nodes == 1)?.Rate;
        foreach (var r in results)
        {
            Console.WriteLine(
                $"| {r.Nodes} | {(double)options.Clients / r.Nodes:0.#} | {r.Processed:N0} | {r.Accepted / r.Posting.TotalSeconds:N0} | **{r.Rate:N0}** | {(baseline is { } b ? (r.Rate / b).ToString("0.00") : "–")} | " +
                $"{(r.Drained - r.Posting).TotalSeconds:0.0} | {Percentiles.Ms(r.PostLatency.At(50))} | {Percentiles.Ms(r.PostLatency.At(99))} | {r.Refused} / {r.Failed} | {r.NodeCpuMicroseconds:0} | {r.IdleCores[^1]:0.00} | {r.Cpu} | {r.Verification} |");
        }

        if (failovers is not null)
        {
            PrintFailovers(failovers);
        }

        PrintMembershipDefaults();
        Console.WriteLine();
        Console.WriteLine(total.Stop() + " (the nodes and servers count as other processes here)");
    }

    private static async Task<EventsResult> MeasureEventsAsync(BenchCluster cluster, Options options)
    {
        var agents = Enumerable.Range(0, options.Agents).Select(i => $"bench-{cluster.Size}n-{i:D3}").ToArray();
        var body = new JsonArray([.. agents.Select(id => (JsonNode?)new JsonObject { ["id"] = id, ["type"] = "echo" })]);
        await PostAsync(cluster[0], "/v1/agents", body, HttpStatusCode.Created);

        // Each agent is woken through a different node, for placement to spread them.
        for (var i = 0; i < agents.Length; i++)
        {
            await PostAsync(cluster[i % cluster.Size], $"/v1/agents/{agents[i]}/requests", new JsonObject { ["type"] = "ping" }, HttpStatusCode.OK);
        }

        var placement = Enumerable.Range(0, cluster.Size).Select(n => agents.Count(a => cluster[n].Woke(a))).ToArray();
        var processed = await SumProcessedAsync(cluster, agents);
        var warmup = await PostForAsync(cluster, agents, options.Clients, TimeSpan.FromSeconds(options.WarmupSeconds), "w");
        await WaitProcessedAsync(cluster, agents, processed + warmup.Accepted.Count, Stopwatch.GetTimestamp());
        processed = await SumProcessedAsync(cluster, agents);

        // What the nodes burn with no load, in three 5-second slices after the warm-up drained (tiered JIT and the end of the warm-up's
        // background work fade; membership probes, bus polling and timers stay).
        var idleCores = new double[3];
        for (var slice = 0; slice < idleCores.Length; slice++)
        {
            var idle = new CpuShares(cluster.ProcessIds());
            await Task.Delay(TimeSpan.FromSeconds(5));
            idleCores[slice] = idle.NodeTime.TotalSeconds / 5 / cluster.Size;
        }

        var cpu = new CpuShares(cluster.ProcessIds());
        var started = Stopwatch.GetTimestamp();
        var measured = await PostForAsync(cluster, agents, options.Clients, TimeSpan.FromSeconds(options.Seconds), "m");
        var posting = Stopwatch.GetElapsedTime(started);
        var (drained, reached) = await WaitProcessedAsync(cluster, agents, processed + measured.Accepted.Count, started);
        var busy = cpu.Describe();
        var nodeMicroseconds = cpu.NodeTime.TotalMicroseconds / Math.Max(1, measured.Accepted.Count);
        var (found, verification) = await VerifyAsync(cluster, agents, measured);
        var rate = found / drained.TotalSeconds;
        return new EventsResult(cluster.Size, measured.Accepted.Count, found, posting, drained, new Percentiles(measured.Latencies.DefaultIfEmpty(double.NaN)), measured.Refused, measured.Failed, nodeMicroseconds, busy, rate, reached ? verification : verification + "; counters never reached the accepted count")
        {
            Placement = placement,
            IdleCores = idleCores,
        };
    }

    /// <summary>Posts events in a closed loop through every node for a time; returns what was accepted.</summary>
    private static async Task<Posted> PostForAsync(BenchCluster cluster, string[] agents, int clients, TimeSpan duration, string tag)
    {
        var posted = new Posted();
        var sequence = 0;
        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var node = cluster[c % cluster.Size];
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref sequence);
                var agent = agents[n % agents.Length];
                var id = $"{cluster.Run}-{tag}{n}";
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var content = Json(new JsonObject { ["type"] = EventType, ["id"] = id });
                    using var response = await node.Http.PostAsync($"/v1/agents/{agent}/messages", content);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        posted.Accepted.Add((agent, id));
                        posted.Latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    }
                    else if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        Interlocked.Increment(ref posted.Refused);
                        await Task.Delay(TimeSpan.FromMilliseconds(50));
                    }
                    else
                    {
                        Interlocked.Increment(ref posted.Failed);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref posted.Failed);
                }
            }
        })));
        return posted;
    }

    /// <summary>Polls the agents' durable counters until they reach <paramref name="target"/>; returns the time since <paramref name="started"/>.</summary>
    private static async Task<(TimeSpan Elapsed, bool Reached)> WaitProcessedAsync(BenchCluster cluster, string[] agents, long target, long started)
    {
        var limit = Stopwatch.StartNew();
        while (limit.Elapsed < DrainLimit)
        {
            if (await SumProcessedAsync(cluster, agents) >= target)
            {
                return (Stopwatch.GetElapsedTime(started), true);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        return (Stopwatch.GetElapsedTime(started), false);
    }

    private static async Task<long> SumProcessedAsync(BenchCluster cluster, string[] agents)
    {
        var counts = await Task.WhenAll(agents.Select(async (agent, i) =>
        {
            var info = JsonNode.Parse(await cluster[i % cluster.Size].Http.GetStringAsync($"/v1/agents/{agent}"))!;
            return info["eventsProcessed"]?.GetValue<long>() ?? 0;
        }));
        return counts.Sum();
    }

    /// <summary>Reads every agent's history and counts the measured events in it.</summary>
    private static async Task<(int Found, string Verification)> VerifyAsync(BenchCluster cluster, string[] agents, Posted measured)
    {
        var expected = measured.Accepted.ToLookup(a => a.Agent, a => a.Id, StringComparer.Ordinal);
        int found = 0, missing = 0, duplicates = 0, truncated = 0;
        foreach (var agent in agents)
        {
            var context = JsonNode.Parse(await cluster[0].Http.GetStringAsync($"/v1/agents/{agent}/context?limit=1000"))!;
            var history = context["history"]!.AsArray().Where(h => h!["type"]?.GetValue<string>() == EventType).Select(h => h!["messageId"]!.GetValue<string>()).ToList();
            var mine = expected[agent].ToHashSet(StringComparer.Ordinal);
            if (mine.Count >= 1000 - 10)
            {
                // The context returns the newest 1,000 entries at most: older ones cannot be checked here.
                truncated++;
            }

            found += history.Where(mine.Contains).Distinct(StringComparer.Ordinal).Count();
            missing += mine.Count(id => !history.Contains(id));
            duplicates += history.GroupBy(id => id, StringComparer.Ordinal).Count(g => g.Count() > 1);
        }

        var verification = $"{found:N0} found, {missing} missing, {duplicates} twice";
        return (found, truncated == 0 ? verification : verification + $" ({truncated} agents' histories over the 1,000-entry read limit)");
    }

    private static async Task<JsonNode> PostAsync(AosNodeProcess node, string path, JsonNode body, HttpStatusCode expected)
    {
        using var content = Json(body);
        using var response = await node.Http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{path} through {node.Url}: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text)!;
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static void PrintMembershipDefaults()
    {
        // AOS sets none of these (src/Aos.Hosting configures membership, endpoints and ids only): the figures are Orleans' defaults.
        var defaults = new ClusterMembershipOptions();
        var names = new[]
        {
            nameof(ClusterMembershipOptions.ProbeTimeout), nameof(ClusterMembershipOptions.MinProbeTimeout), nameof(ClusterMembershipOptions.MaxProbeTimeout),
            nameof(ClusterMembershipOptions.NumMissedProbesLimit), nameof(ClusterMembershipOptions.NumProbedSilos),
            nameof(ClusterMembershipOptions.NumVotesForDeathDeclaration), nameof(ClusterMembershipOptions.DeathVoteExpirationTimeout),
            nameof(ClusterMembershipOptions.EnableIndirectProbes), nameof(ClusterMembershipOptions.EnableConnectionLivenessCheck),
            nameof(ClusterMembershipOptions.ExtendProbeTimeoutDuringDegradation),
            nameof(ClusterMembershipOptions.LocalHealthDegradationMonitoringPeriod), nameof(ClusterMembershipOptions.UseLivenessGossip),
            nameof(ClusterMembershipOptions.TableRefreshTimeout), nameof(ClusterMembershipOptions.IAmAliveTablePublishTimeout),
            nameof(ClusterMembershipOptions.NumMissedTableIAmAliveLimit),
        };
        Console.WriteLine();
        Console.WriteLine($"Orleans failure detection ({typeof(ClusterMembershipOptions).Assembly.GetName().Name} {typeof(ClusterMembershipOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split(' ')[0].TrimEnd('.')}; defaults, AOS sets none): "
            + string.Join(", ", names.Select(n => $"{n} = {typeof(ClusterMembershipOptions).GetProperty(n)!.GetValue(defaults)}")));
    }

    private static string? FindAos()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Aos.slnx")))
            {
                var path = Path.Combine(directory.FullName, "src", "Aos.Cli", "bin", "Release", "net10.0", "aos.dll");
                return File.Exists(path) ? path : null;
            }
        }

        return null;
    }

    private sealed class Posted
    {
        public int Refused;
        public int Failed;

        public ConcurrentBag<(string Agent, string Id)> Accepted { get; } = [];

        public ConcurrentBag<double> Latencies { get; } = [];
    }

    private sealed record EventsResult(
        int Nodes, int Accepted, int Processed, TimeSpan Posting, TimeSpan Drained, Percentiles PostLatency, int Refused, int Failed, double NodeCpuMicroseconds, string Cpu, double Rate, string Verification)
    {
        public int[] Placement { get; init; } = [];

        public double[] IdleCores { get; init; } = [];

        public string Describe() =>
            $"{Nodes} node(s): agents placed {string.Join(" / ", Placement)}; CPU per node with no load after the warm-up {string.Join(" / ", IdleCores.Select(c => c.ToString("0.00")))} cores (0–5, 5–10, 10–15 s); " +
            $"{Accepted:N0} accepted in {Posting.TotalSeconds:0.0} s, all processed after {Drained.TotalSeconds:0.0} s: {Rate:N0} events/s; {Verification}; CPU (machine: nodes / servers / client / other) {Cpu}";
    }
}
