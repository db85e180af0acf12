using System.Diagnostics;
using Aos.Benchmarks.Infrastructure;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Benchmarks.Measurements;

/// <summary>
/// Measures event throughput in alternating rounds against the raw Orleans baseline, with what BenchmarkDotNet does not show:
/// the CPU time each event costs, and how many events share one SQLite commit. For experiments with the database's commit
/// settings and the number of senders; the figures of record come from <see cref="EventThroughputBenchmarks"/>.
/// </summary>
internal static class ThroughputMeasurement
{
    private const int Agents = 1_000;
    private const int Rounds = 8;
    private const int EventsPerRound = 20_000;

    public static async Task RunAsync(int senders, SqliteTuning? tuning, string? allocationTrace = null)
    {
        Console.WriteLine();
        Console.WriteLine($"## Event throughput ({Agents:N0} agents, {senders} senders, {Rounds} rounds of {EventsPerRound:N0} events; {tuning?.ToString() ?? "default settings"})");
        var cpu = CpuMonitor.Start();
        await using var host = await BenchHost.StartAsync(tuning: tuning);
        try
        {
            var client = host.Client;
            var agents = await Load.RegisterCountersAsync(host.Registry, Agents);
            var grains = Enumerable.Range(0, Agents).Select(i => host.Grains.GetGrain<ICounterGrain>(Load.AgentName(i))).ToArray();
            Func<int, Task> agentEvent = i => client.SendAsync(agents[i], client.CreateMessage(CounterAgent.Increment, null));
            Func<int, Task> grainCall = i => grains[i].IncrementAsync();
            await Load.RunAsync(Agents, senders, Agents / senders, agentEvent);
            await Load.RunAsync(Agents, senders, Agents / senders, grainCall);

            var database = host.Services.GetRequiredService<SqliteDatabase>();
            if (allocationTrace is not null)
            {
                // One round under the profiler, after one that warms up: the profile is of steady-state event handling.
                await TimeAsync(senders, agentEvent, database);
                await using (AllocationProfile.Start(allocationTrace))
                {
                    await TimeAsync(senders, agentEvent, database);
                }

                AllocationProfile.Print(allocationTrace);
                return;
            }

            var raw = new List<Round>();
            var agent = new List<Round>();
            var agentTime = TimeSpan.Zero;
            using var flushes = LogFlushRecorder.Start(database);
            for (var round = 0; round < Rounds; round++)
            {
                raw.Add(await TimeAsync(senders, grainCall, database));
                var started = Stopwatch.GetTimestamp();
                agent.Add(await TimeAsync(senders, agentEvent, database));
                agentTime += Stopwatch.GetElapsedTime(started);
            }

            Console.WriteLine();
            Console.WriteLine("| Load | Per second (median of rounds) | min | max | CPU µs per call (median) | Events per SQLite commit (median) |");
            Console.WriteLine("|---|--:|--:|--:|--:|--:|");
            Row("Orleans grain, IPersistentState on memory storage (baseline)", raw, commits: false);
            Row("AOS agent event, state durable in SQLite", agent, commits: true);
            Console.WriteLine();
            Console.WriteLine($"Ratio AOS/raw (medians): {new Percentiles(agent.Select(r => r.PerSecond)).At(50) / new Percentiles(raw.Select(r => r.PerSecond)).At(50):0.00}");
            // The machine's speed drifts by up to ~2× between days; CPU per event against the raw call's, in the same run, does not.
            Console.WriteLine($"CPU per event against the raw call's (medians): {new Percentiles(agent.Select(r => r.CpuMicroseconds)).At(50) / new Percentiles(raw.Select(r => r.CpuMicroseconds)).At(50):0.0}×");
            Console.WriteLine($"Log flushes over the AOS rounds ({agentTime.TotalSeconds:0.0} s): {flushes.Describe(agentTime)}");
            Console.WriteLine(cpu.Stop());
        }
        finally
        {
            await host.StopAsync();
            BenchHost.DeleteDirectory(host.DataDirectory);
        }
    }

    private static void Row(string name, List<Round> rounds, bool commits)
    {
        var rate = new Percentiles(rounds.Select(r => r.PerSecond));
        var cpu = new Percentiles(rounds.Select(r => r.CpuMicroseconds));
        var perCommit = commits ? new Percentiles(rounds.Select(r => r.EventsPerCommit)).At(50).ToString("0.0") : "–";
        Console.WriteLine($"| {name} | {rate.At(50):N0} | {rate.At(0):N0} | {rate.Max:N0} | {cpu.At(50):0} | {perCommit} |");
    }

    private static async Task<Round> TimeAsync(int senders, Func<int, Task> call, SqliteDatabase database)
    {
        var perSender = EventsPerRound / senders;
        var events = perSender * senders;
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var commits = database.CommittedBatches;
        var watch = Stopwatch.StartNew();
        await Load.RunAsync(Agents, senders, perSender, call);
        var elapsed = watch.Elapsed;
        process.Refresh();
        var cpuUsed = process.TotalProcessorTime - cpu;
        var committed = database.CommittedBatches - commits;
        return new Round(
            events / elapsed.TotalSeconds,
            cpuUsed.TotalMicroseconds / events,
            committed == 0 ? 0 : (double)events / committed);
    }

    private readonly record struct Round(double PerSecond, double CpuMicroseconds, double EventsPerCommit);
}
