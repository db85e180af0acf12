using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aos.Benchmarks.Infrastructure;
using Aos.Kernel.Workflows;
using Aos.Storage.Sqlite;
using Aos.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Benchmarks.Measurements;

/// <summary>
/// Starts many runs (no limit on running workflows) that each wait on one <c>timer</c> step due at the same moment, and measures the
/// memory and storage they hold while waiting, the CPU the node spends while they wait, and, when they all come due, how late each
/// timer fired and its run completed.
/// </summary>
internal static class WorkflowWaitingMeasurement
{
    private const string Workflow = "bench-wait";

    public static async Task RunAsync(int runs, int concurrency, TimeSpan margin)
    {
        Console.WriteLine();
        Console.WriteLine($"## {runs:N0} waiting workflows: each one timer step {{\"until\": T}}, T the same for all, {margin.TotalSeconds:0} s or more after the last start " +
            $"(MaxConcurrentRuns=0; {concurrency} concurrent starts)");
        await using var host = await BenchHost.StartAsync(settings: new Dictionary<string, string?> { ["Aos:Workflows:MaxConcurrentRuns"] = "0" });
        try
        {
            var workflows = host.Services.GetRequiredService<WorkflowClient>();
            var database = host.Services.GetRequiredService<SqliteDatabase>();
            var time = host.Services.GetRequiredService<TimeProvider>();

            // Pilot: the start rate of runs that finish at once, to choose T so that every start is done well before it.
            await WorkflowMeasurement.RegisterChainsAsync(workflows, 1);
            var pilot = Math.Min(2_000, runs);
            await WorkflowMeasurement.RunsAsync(workflows, WorkflowMeasurement.Chain(1), pilot / 4, concurrency);
            var watch = Stopwatch.StartNew();
            await WorkflowMeasurement.RunsAsync(workflows, WorkflowMeasurement.Chain(1), pilot, concurrency);
            var pilotRate = pilot / watch.Elapsed.TotalSeconds;
            var due = time.GetUtcNow() + TimeSpan.FromSeconds(runs / pilotRate * 1.5) + margin;
            due = new DateTimeOffset(due.Ticks - (due.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            await workflows.RegisterAsync(new WorkflowBuilder(Workflow)
                .Step("wait", "timer", new { until = due.ToString("O", CultureInfo.InvariantCulture) })
                .Build());
            Console.WriteLine($"Pilot: {pilotRate:N0} runs/s of a 1-step run; T = {due:O}");

            var before = Memory.Take(host.DataDirectory);
            var cpu = CpuMonitor.Start();
            watch.Restart();
            var next = -1;
            var ids = new string[runs];
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < runs)
                {
                    var id = $"wait-{i:D7}";
                    var run = await workflows.StartAsync(Workflow, runId: id);
                    if (run.Status != WorkflowStatus.Running)
                    {
                        throw new InvalidOperationException($"Run '{id}' is {run.Status}.");
                    }

                    ids[i] = id;
                    if ((i + 1) % 20_000 == 0)
                    {
                        Console.WriteLine($"  {i + 1:N0} started after {watch.Elapsed.TotalSeconds:0.0} s");
                    }
                }
            })));
            var startedIn = watch.Elapsed;
            var lastStart = time.GetUtcNow();
            Console.WriteLine($"Started {runs:N0} runs in {startedIn.TotalSeconds:0.0} s ({runs / startedIn.TotalSeconds:N0}/s); {cpu.Stop()}");
            if (due - lastStart < margin / 2)
            {
                Console.WriteLine($"WARNING: the last start was only {(due - lastStart).TotalSeconds:0} s before T.");
            }

            // Let every run's first check (the reminder registered at start, ResumeDelay later) pass before taking the figures.
            var idle = CpuMonitor.Start();
            var settle = lastStart + TimeSpan.FromSeconds(20);
            var wait = settle - time.GetUtcNow();
            if (wait > TimeSpan.Zero && settle < due - TimeSpan.FromSeconds(5))
            {
                await Task.Delay(wait);
            }

            var after = Memory.Take(host.DataDirectory);
            Console.WriteLine();
            Console.WriteLine($"| While {runs:N0} runs wait | Before the runs | After all started (+20 s) | Per run |");
            Console.WriteLine("|---|--:|--:|--:|");
            MemoryRow("Managed heap after a full GC (MiB)", before.Heap, after.Heap, runs);
            MemoryRow("Process working set (MiB)", before.WorkingSet, after.WorkingSet, runs);
            MemoryRow("Process private memory (MiB)", before.Private, after.Private, runs);
            MemoryRow("Data directory on disk (MiB; database, WAL and payloads)", before.Disk, after.Disk, runs);
            Console.WriteLine();

            var beforeDue = due - time.GetUtcNow() - TimeSpan.FromSeconds(2);
            if (beforeDue > TimeSpan.Zero)
            {
                await Task.Delay(beforeDue);
            }

            Console.WriteLine($"// While waiting (from the last start to T − 2 s): {idle.Stop()}");
            var firing = CpuMonitor.Start();
            var commits = database.CommittedBatches;
            var operations = database.CommittedOperations;

            // Read the runs once the database has been quiet for 3 s after T: polling while they fire would compete with them.
            var quietSince = Stopwatch.GetTimestamp();
            var lastCommits = database.CommittedBatches;
            while (time.GetUtcNow() < due || Stopwatch.GetElapsedTime(quietSince) < TimeSpan.FromSeconds(3))
            {
                await Task.Delay(200);
                if (database.CommittedBatches != lastCommits)
                {
                    lastCommits = database.CommittedBatches;
                    quietSince = Stopwatch.GetTimestamp();
                }
            }

            var quietAt = time.GetUtcNow() - TimeSpan.FromSeconds(3);
            Console.WriteLine($"// From T − 2 s to 3 s of no commits: {firing.Stop()}; {database.CommittedOperations - operations:N0} write operations in {database.CommittedBatches - commits:N0} commits");
            var fired = new double[runs];
            var finished = new double[runs];
            var pending = Enumerable.Range(0, runs).ToList();
            while (pending.Count > 0)
            {
                var still = new List<int>();
                foreach (var chunk in pending.Chunk(1_000))
                {
                    var read = await Task.WhenAll(chunk.Select(i => workflows.GetAsync(ids[i])));
                    for (var k = 0; k < chunk.Length; k++)
                    {
                        var run = read[k];
                        if (run.Status != WorkflowStatus.Completed)
                        {
                            still.Add(chunk[k]);
                            continue;
                        }

                        using var result = JsonDocument.Parse(run.Steps[0].Result!);
                        var firedTime = result.RootElement.GetProperty("firedAt").GetDateTimeOffset();
                        fired[chunk[k]] = (firedTime - due).TotalMilliseconds;
                        finished[chunk[k]] = (run.FinishedAt!.Value - due).TotalMilliseconds;
                    }
                }

                if (still.Count > 0)
                {
                    Console.WriteLine($"  {still.Count:N0} runs not completed yet at T + {(time.GetUtcNow() - due).TotalSeconds:0} s");
                    await Task.Delay(2_000);
                }

                pending = still;
            }

            var firedAt = new Percentiles(fired);
            var completedAt = new Percentiles(finished);
            Console.WriteLine();
            Console.WriteLine($"| Lateness after T (ms), {runs:N0} timers due at once | p50 | p90 | p99 | max |");
            Console.WriteLine("|---|--:|--:|--:|--:|");
            Console.WriteLine($"| Timer step fired (its result's firedAt − T) | {Percentiles.Ms(firedAt.At(50))} | {Percentiles.Ms(firedAt.At(90))} | {Percentiles.Ms(firedAt.At(99))} | {Percentiles.Ms(firedAt.Max)} |");
            Console.WriteLine($"| Run completed (its FinishedAt − T; durable one commit later) | {Percentiles.Ms(completedAt.At(50))} | {Percentiles.Ms(completedAt.At(90))} | {Percentiles.Ms(completedAt.At(99))} | {Percentiles.Ms(completedAt.Max)} |");
            Console.WriteLine();
            // Let a tick that fired as the last runs finished (and its clean-up) pass before counting what is left.
            await Task.Delay(TimeSpan.FromSeconds(5));
            var reminders = (await host.Services.GetRequiredService<IReminderTable>().ReadRows(0, 0)).Reminders.Count(r => r.ReminderName == "aos.wf.run");
            Console.WriteLine($"Workflow run reminders left in the table after all completed: {reminders:N0}");
            Console.WriteLine($"All {runs:N0} completed {completedAt.Max / 1000:0.0} s after T ({runs / (completedAt.Max / 1000):N0} runs/s); last commit of the burst at T + {(quietAt - due).TotalSeconds:0.0} s; " +
                $"earliest firing {firedAt.At(0):0} ms after T");
        }
        finally
        {
            await host.StopAsync();
            BenchHost.DeleteDirectory(host.DataDirectory);
        }
    }

    private static void MemoryRow(string name, double before, double after, int runs) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {before:N1} | {after:N1} | {(after - before) * 1024 * 1024 / runs:N0} B |"));

    private readonly record struct Memory(double Heap, double WorkingSet, double Private, double Disk)
    {
        public static Memory Take(string dataDirectory)
        {
            const double MiB = 1024 * 1024;
            var heap = GC.GetTotalMemory(forceFullCollection: true) / MiB;
            using var process = Process.GetCurrentProcess();
            var disk = new DirectoryInfo(dataDirectory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) / MiB;
            return new Memory(heap, process.WorkingSet64 / MiB, process.PrivateMemorySize64 / MiB, disk);
        }
    }
}
