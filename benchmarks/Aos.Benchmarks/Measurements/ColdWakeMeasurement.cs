using System.Diagnostics;
using System.Text.Json;
using Aos.Benchmarks.Infrastructure;
using Aos.Kernel.Registry;

namespace Aos.Benchmarks.Measurements;

/// <summary>
/// Measures a cold wake: the first request to an agent whose state is persisted in SQLite and which is not active, one
/// request at a time. Agents are put to sleep twice: by restarting the node, and by forcing activation collection in a
/// running node. Baseline: the same request to the same agents once they are active.
/// </summary>
internal static class ColdWakeMeasurement
{
    private const int WarmUpAgents = 200;

    public static async Task RunAsync(int agents, SqliteTuning? tuning)
    {
        Console.WriteLine();
        Console.WriteLine($"## Cold wake ({agents:N0} agents, one request at a time; {tuning?.ToString() ?? "default settings"})");
        var cpu = CpuMonitor.Start();
        var dataDirectory = BenchHost.CreateTempDirectory();
        try
        {
            AgentId[] ids;
            await using (var first = await BenchHost.StartAsync(dataDirectory, tuning: tuning))
            {
                ids = await Load.RegisterCountersAsync(first.Registry, WarmUpAgents + agents);
                var client = first.Client;
                await Load.RunAsync(ids.Length, 100, ids.Length / 100, i => client.SendAsync(ids[i], client.CreateMessage(CounterAgent.Increment, null)));

                // A graceful stop deactivates every agent; their state stays in SQLite.
                await first.StopAsync();
            }

            using var probe = new TurnProbe();
            await using var host = await BenchHost.StartAsync(dataDirectory, tuning: tuning);
            var warmUp = ids[..WarmUpAgents];
            var measured = ids[WarmUpAgents..];

            // Wakes other agents first, so that JIT, connection pools and caches are warm: this measures the agent's wake, not the process's.
            await TimeRequestsAsync(host, probe, warmUp);
            var afterRestart = await TimeRequestsAsync(host, probe, measured);
            var warm = await TimeRequestsAsync(host, probe, measured);

            var collected = await CollectAsync(host);
            var afterCollection = await TimeRequestsAsync(host, probe, measured);

            Console.WriteLine();
            Console.WriteLine("| Request (one at a time) | Samples | p50 ms | p90 ms | p99 ms | max ms | p50 until turn starts | p99 until turn starts | p50 turn (handler + durable commit) |");
            Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
            Row("Warm: agent already active (baseline)", warm);
            Row("Cold wake after a node restart", afterRestart);
            Row($"Cold wake after forced activation collection ({collected:N0} agents collected)", afterCollection);
            Console.WriteLine();
            var wakeCost = afterRestart.Map(s => s.UntilTurn).At(50) - warm.Map(s => s.UntilTurn).At(50);
            Console.WriteLine($"Ratio cold/warm, p50 end to end: {afterRestart.Map(s => s.Total).At(50) / warm.Map(s => s.Total).At(50):0.00} (after restart), " +
                $"{afterCollection.Map(s => s.Total).At(50) / warm.Map(s => s.Total).At(50):0.00} (after collection)");
            Console.WriteLine($"Activation itself (p50 until turn starts, cold minus warm, after restart): {Percentiles.Ms(wakeCost)} ms");
            Console.WriteLine(cpu.Stop());
        }
        finally
        {
            BenchHost.DeleteDirectory(dataDirectory);
        }
    }

    private static void Row(string name, Samples samples)
    {
        var total = samples.Map(s => s.Total);
        var untilTurn = samples.Map(s => s.UntilTurn);
        var turn = samples.Map(s => s.Turn);
        Console.WriteLine(
            $"| {name} | {total.Count:N0} | {Percentiles.Ms(total.At(50))} | {Percentiles.Ms(total.At(90))} | {Percentiles.Ms(total.At(99))} | {Percentiles.Ms(total.Max)} " +
            $"| {Percentiles.Ms(untilTurn.At(50))} | {Percentiles.Ms(untilTurn.At(99))} | {Percentiles.Ms(turn.At(50))} |");
    }

    private static async Task<Samples> TimeRequestsAsync(BenchHost host, TurnProbe probe, AgentId[] ids)
    {
        var client = host.Client;
        var samples = new List<Sample>(ids.Length);
        foreach (var id in ids)
        {
            var message = client.CreateMessage(CounterAgent.Get, null);
            var sent = Stopwatch.GetTimestamp();
            var reply = await client.RequestAsync(id, message);
            var received = Stopwatch.GetTimestamp();
            var (started, stopped) = probe.Last;
            if (reply is not { ValueKind: JsonValueKind.Number } count || count.GetInt64() != 1)
            {
                throw new InvalidOperationException($"Agent '{id}' replied {reply?.GetRawText() ?? "nothing"}; its persisted count is 1: the state was not restored.");
            }

            samples.Add(new Sample(Ms(received - sent), Ms(started - sent), Ms(stopped - started)));
        }

        return new Samples(samples);
    }

    private static async Task<int> CollectAsync(BenchHost host)
    {
        var management = host.Grains.GetGrain<IManagementGrain>(0);
        var before = await CountAgentActivationsAsync(management);
        await management.ForceActivationCollection(TimeSpan.Zero);
        var watch = Stopwatch.StartNew();
        int remaining;
        while ((remaining = await CountAgentActivationsAsync(management)) > 0 && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        if (remaining > 0)
        {
            throw new InvalidOperationException($"{remaining} agents are still active 30 s after a forced activation collection.");
        }

        return before;
    }

    private static async Task<int> CountAgentActivationsAsync(IManagementGrain management)
    {
        var statistics = await management.GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("AgentGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private readonly record struct Sample(double Total, double UntilTurn, double Turn);

    private sealed class Samples(List<Sample> samples)
    {
        public Percentiles Map(Func<Sample, double> select) => new(samples.Select(select));
    }
}
