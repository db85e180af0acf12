using System.Diagnostics;
using System.Globalization;
using Aos.Benchmarks.Infrastructure;
using Aos.Kernel.Registry;
using Aos.Kernel.Workflows;
using Aos.Storage.Sqlite;
using Aos.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Benchmarks.Measurements;

/// <summary>
/// Measures durable workflows on one embedded node: steps per second of many concurrent chains of <c>timer</c> steps that are due at
/// once (pure runner cost: every step's completion is written to grain storage before the next starts), and the start → completed
/// latency of a 3-step run, each next to plain agent events (<see cref="AgentClient.SendAsync"/>, one durable turn each) and a 1-step
/// workflow in the same node and run.
/// </summary>
internal static class WorkflowMeasurement
{
    private const int Agents = 1_000;
    private const int Rounds = 3;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static async Task RunAsync(WorkflowBenchOptions options)
    {
        foreach (var limit in options.Limits)
        {
            await ThroughputAsync(options, limit);
        }

        if (options.Latency)
        {
            await LatencyAsync(options);
        }
    }

    /// <summary>Registers chains of 1, 3 and 10 <c>timer</c> steps with delay 0s: each step completes as soon as it starts.</summary>
    internal static async Task RegisterChainsAsync(WorkflowClient workflows, params int[] lengths)
    {
        foreach (var steps in lengths)
        {
            var builder = new WorkflowBuilder(Chain(steps));
            for (var s = 0; s < steps; s++)
            {
                var previous = s == 0 ? null : $"s{s - 1}";
                builder.Step($"s{s}", "timer", new { delay = "0s" }, previous is null ? null : b => b.DependsOn(previous));
            }

            await workflows.RegisterAsync(builder.Build());
        }
    }

    internal static string Chain(int steps) => $"bench-chain-{steps}";

    private static async Task ThroughputAsync(WorkflowBenchOptions options, int limit)
    {
        Console.WriteLine();
        Console.WriteLine($"## Workflow steps/s: chains of timer steps (delay 0s), {options.Concurrency} clients each starting a run and waiting for it (closed loop), " +
            $"{options.Runs:N0} runs per round, {Rounds} rounds; Aos:Workflows:MaxConcurrentRuns={limit}{(limit == 0 ? " (no limit)" : string.Empty)}");
        var cpu = CpuMonitor.Start();
        await using var host = await BenchHost.StartAsync(settings: new Dictionary<string, string?> { ["Aos:Workflows:MaxConcurrentRuns"] = limit.ToString(CultureInfo.InvariantCulture) });
        try
        {
            var client = host.Client;
            var workflows = host.Services.GetRequiredService<WorkflowClient>();
            var database = host.Services.GetRequiredService<SqliteDatabase>();
            var agents = await Load.RegisterCountersAsync(host.Registry, Agents);
            await RegisterChainsAsync(workflows, 1, 3, 10);
            Func<int, Task> agentEvent = i => client.SendAsync(agents[i], client.CreateMessage(CounterAgent.Increment, null));

            // Warm up every path (JIT, activations of the agents) before measuring.
            await Load.RunAsync(Agents, options.Concurrency, Math.Max(1, Agents / options.Concurrency), agentEvent);
            foreach (var steps in new[] { 1, 3, 10 })
            {
                await RunsAsync(workflows, Chain(steps), Math.Min(options.Runs, 500), options.Concurrency);
            }

            var events = new List<Round>();
            var chains = new Dictionary<int, List<Round>> { [1] = [], [3] = [], [10] = [] };
            for (var round = 0; round < Rounds; round++)
            {
                events.Add(await TimeAsync(options.Runs * 3, database, () => Load.RunAsync(Agents, options.Concurrency, options.Runs * 3 / options.Concurrency, agentEvent)));
                foreach (var (steps, rounds) in chains)
                {
                    rounds.Add(await TimeAsync(options.Runs * steps, database, () => RunsAsync(workflows, Chain(steps), options.Runs, options.Concurrency), options.Runs));
                }
            }

            var baseline = Median(events, r => r.PerSecond);
            Console.WriteLine();
            Console.WriteLine("| Load | Steps (events)/s, median of rounds | min | max | Runs/s (median) | Ratio to agent events/s | CPU µs per step | SQLite write operations per step | Write operations per SQLite commit |");
            Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
            Row($"Baseline: AgentClient.SendAsync, turn committed in SQLite ({options.Concurrency} senders, closed loop)", events, baseline);
            foreach (var (steps, rounds) in chains)
            {
                Row($"Workflow, {steps}-step chain (start → WaitAsync completed)", rounds, baseline);
            }

            Console.WriteLine();
            var reminders = (await host.Services.GetRequiredService<IReminderTable>().ReadRows(0, 0)).Reminders.Count(r => r.ReminderName == "aos.wf.run");
            Console.WriteLine($"Workflow run reminders left in the table after {options.Runs * Rounds * chains.Count:N0} finished runs: {reminders:N0}");
            Console.WriteLine($"// {cpu.Stop()}");
        }
        finally
        {
            await host.StopAsync();
            BenchHost.DeleteDirectory(host.DataDirectory);
        }
    }

    /// <summary>Runs <paramref name="runs"/> runs of a workflow with <paramref name="concurrency"/> clients, each starting one and waiting for it.</summary>
    internal static Task RunsAsync(WorkflowClient workflows, string workflow, int runs, int concurrency, List<double>? latencies = null)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < runs)
            {
                var started = Stopwatch.GetTimestamp();
                await RunOnceAsync(workflows, workflow);
                if (latencies is not null)
                {
                    lock (latencies)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
            }
        })));
    }

    private static async Task RunOnceAsync(WorkflowClient workflows, string workflow)
    {
        var run = await workflows.StartAsync(workflow);
        if (!run.IsFinished)
        {
            run = await workflows.WaitAsync(run.Id, Timeout);
        }

        if (run.Status != WorkflowStatus.Completed)
        {
            throw new InvalidOperationException($"Run '{run.Id}' of '{workflow}' is {run.Status}{(run.Error is null ? string.Empty : ": " + run.Error)}.");
        }
    }

    private static async Task LatencyAsync(WorkflowBenchOptions options)
    {
        Console.WriteLine();
        Console.WriteLine($"## Workflow latency: start → completed (StartAsync, then WaitAsync), default settings (MaxConcurrentRuns=100); " +
            $"{options.LatencySamples:N0} samples one at a time, then {options.LatencyConcurrency} clients in a closed loop");
        var cpu = CpuMonitor.Start();
        await using var host = await BenchHost.StartAsync();
        try
        {
            var client = host.Client;
            var workflows = host.Services.GetRequiredService<WorkflowClient>();
            var agents = await Load.RegisterCountersAsync(host.Registry, Agents);
            await RegisterChainsAsync(workflows, 1, 3);
            Func<int, Task> agentEvent = i => client.SendAsync(agents[i], client.CreateMessage(CounterAgent.Increment, null));
            await Load.RunAsync(Agents, 100, Agents / 100, agentEvent);
            await RunsAsync(workflows, Chain(3), 500, 16);
            await RunsAsync(workflows, Chain(1), 500, 16);

            // One at a time, the three kinds of call interleaved so that they share the machine's noise.
            var serial = new Dictionary<string, List<double>> { ["event"] = [], ["1"] = [], ["3"] = [] };
            for (var i = 0; i < options.LatencySamples; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await agentEvent(i % Agents);
                serial["event"].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                started = Stopwatch.GetTimestamp();
                await RunOnceAsync(workflows, Chain(1));
                serial["1"].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                started = Stopwatch.GetTimestamp();
                await RunOnceAsync(workflows, Chain(3));
                serial["3"].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            // Under load: each kind in turn with the same number of clients, in a few alternating rounds.
            var loaded = new Dictionary<string, List<double>> { ["event"] = [], ["1"] = [], ["3"] = [] };
            var perRound = options.LatencySamples * 2;
            for (var round = 0; round < Rounds; round++)
            {
                var eventLatencies = loaded["event"];
                await Load.RunAsync(Agents, options.LatencyConcurrency, perRound / options.LatencyConcurrency, async i =>
                {
                    var started = Stopwatch.GetTimestamp();
                    await agentEvent(i);
                    lock (eventLatencies)
                    {
                        eventLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                });
                await RunsAsync(workflows, Chain(1), perRound, options.LatencyConcurrency, loaded["1"]);
                await RunsAsync(workflows, Chain(3), perRound, options.LatencyConcurrency, loaded["3"]);
            }

            Console.WriteLine();
            Console.WriteLine("| Latency (ms) | Clients | Samples | p50 | p90 | p99 | max |");
            Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|");
            foreach (var (clients, samples) in new[] { (1, serial), (options.LatencyConcurrency, loaded) })
            {
                LatencyRow("Baseline: AgentClient.SendAsync (one durable turn)", clients, samples["event"]);
                LatencyRow("Workflow, 1 timer step: start → completed", clients, samples["1"]);
                LatencyRow("**Workflow, 3-step chain: start → completed**", clients, samples["3"]);
            }

            Console.WriteLine();
            Console.WriteLine($"Ratio 3-step / agent event (p50, one at a time): {new Percentiles(serial["3"]).At(50) / new Percentiles(serial["event"]).At(50):0.0}; " +
                $"3-step / 1-step: {new Percentiles(serial["3"]).At(50) / new Percentiles(serial["1"]).At(50):0.00}");
            Console.WriteLine($"// {cpu.Stop()}");
        }
        finally
        {
            await host.StopAsync();
            BenchHost.DeleteDirectory(host.DataDirectory);
        }
    }

    private static async Task<Round> TimeAsync(int steps, SqliteDatabase database, Func<Task> load, int runs = 0)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var commits = database.CommittedBatches;
        var operations = database.CommittedOperations;
        var started = Stopwatch.GetTimestamp();
        await load();
        var elapsed = Stopwatch.GetElapsedTime(started);
        var committed = database.CommittedBatches - commits;
        return new Round(
            steps / elapsed.TotalSeconds,
            runs / elapsed.TotalSeconds,
            (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / steps,
            (double)(database.CommittedOperations - operations) / steps,
            committed == 0 ? double.NaN : (double)(database.CommittedOperations - operations) / committed);
    }

    private static void Row(string name, List<Round> rounds, double baseline)
    {
        var rate = new Percentiles(rounds.Select(r => r.PerSecond));
        var runs = Median(rounds, r => r.RunsPerSecond);
        Console.WriteLine(
            $"| {name} | {rate.At(50):N0} | {rate.At(0):N0} | {rate.Max:N0} | {(runs == 0 ? "–" : runs.ToString("N0", CultureInfo.InvariantCulture))} | " +
            $"{rate.At(50) / baseline:0.00} | {Median(rounds, r => r.CpuMicroseconds):0} | {Median(rounds, r => r.OperationsPerStep):0.00} | {Median(rounds, r => r.OperationsPerCommit):0.0} |");
    }

    internal static void LatencyRow(string name, int clients, List<double> samples)
    {
        var p = new Percentiles(samples);
        Console.WriteLine($"| {name} | {clients} | {p.Count:N0} | {Percentiles.Ms(p.At(50))} | {Percentiles.Ms(p.At(90))} | {Percentiles.Ms(p.At(99))} | {Percentiles.Ms(p.Max)} |");
    }

    private static double Median(List<Round> rounds, Func<Round, double> value) => new Percentiles(rounds.Select(value)).At(50);

    private readonly record struct Round(double PerSecond, double RunsPerSecond, double CpuMicroseconds, double OperationsPerStep, double OperationsPerCommit);
}

/// <summary>Options of the workflow measurements.</summary>
internal sealed record WorkflowBenchOptions
{
    /// <summary>Gets the runs per round of the steps/s measurement.</summary>
    public int Runs { get; init; } = 2_000;

    /// <summary>Gets the clients of the steps/s measurement.</summary>
    public int Concurrency { get; init; } = 100;

    /// <summary>Gets the values of <c>Aos:Workflows:MaxConcurrentRuns</c> the steps/s measurement runs with, one node each.</summary>
    public int[] Limits { get; init; } = [100, 0];

    /// <summary>Gets whether the latency measurement runs.</summary>
    public bool Latency { get; init; } = true;

    /// <summary>Gets the samples of each kind of call one at a time.</summary>
    public int LatencySamples { get; init; } = 500;

    /// <summary>Gets the clients of the latency measurement under load.</summary>
    public int LatencyConcurrency { get; init; } = 16;
}
