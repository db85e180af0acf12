using System.Diagnostics;
using System.Globalization;
using System.Text;
using Aos.Kernel.Messaging;
using Aos.Storage.Sqlite;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// Records what the node did during an open loop, window by window, for finding where a latency tail comes from: the latency of
/// the messages due in each window, next to the collections, the SQLite writer's commits, time on CPU and time waiting for one,
/// the deliveries in flight, the log flushes that ended in it (how many, the longest), and the CPU of each group of threads (pool,
/// GC, writer, flusher, checkpointer, JIT, other).
/// </summary>
/// <remarks>
/// A thread samples every <see cref="Window"/>. Thread times come from <c>/proc/self/task/*/schedstat</c> (Linux; run and
/// runnable-but-waiting nanoseconds), so the recorder costs about 1–2 % of one core while it runs.
/// </remarks>
internal sealed class OpenLoopTimeline : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(20);
    private static readonly string[] Groups = ["pool", "gc", "writer", "flusher", "checkpointer", "jit", "other"];

    private readonly SqliteDatabase _database;
    private readonly MessageDispatcher _dispatcher;
    private readonly long _start;
    private readonly List<Sample> _samples = [];
    private readonly Dictionary<string, int> _groupOfTask = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Run, long Wait)> _lastOfTask = new(StringComparer.Ordinal);
    private readonly long[] _cpuNs = new long[Groups.Length];
    private long _writerWaitNs;
    private readonly Thread _thread;
    private volatile bool _stopped;

    private OpenLoopTimeline(SqliteDatabase database, MessageDispatcher dispatcher, long start)
    {
        _database = database;
        _dispatcher = dispatcher;
        _start = start;
        _thread = new Thread(Run) { IsBackground = true, Name = "Bench.Timeline" };
    }

    /// <summary>Starts recording; <paramref name="start"/> is the loop's start timestamp, against which windows are counted.</summary>
    public static OpenLoopTimeline Start(SqliteDatabase database, MessageDispatcher dispatcher, long start)
    {
        var timeline = new OpenLoopTimeline(database, dispatcher, start);
        timeline._thread.Start();
        return timeline;
    }

    /// <summary>Stops recording and writes one CSV row per window to <paramref name="path"/>.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="messages">Each message's due time and its end-to-end latency, as Stopwatch timestamps.</param>
    /// <param name="flushes">The log flushes: when each ended, as a Stopwatch timestamp, and how long it took.</param>
    public void Write(string path, IReadOnlyList<(long Scheduled, long Settled)> messages, IReadOnlyList<(long Ended, double Milliseconds)> flushes)
    {
        Stop();
        var latencies = new Dictionary<int, List<double>>();
        var none = double.NaN.ToString(CultureInfo.InvariantCulture);
        foreach (var (scheduled, settled) in messages)
        {
            var window = (int)(Stopwatch.GetElapsedTime(_start, scheduled) / Window);
            if (!latencies.TryGetValue(window, out var list))
            {
                latencies[window] = list = [];
            }

            list.Add(Stopwatch.GetElapsedTime(scheduled, settled).TotalMilliseconds);
        }

        var flushed = new Dictionary<int, (int Count, double Longest)>();
        foreach (var (ended, milliseconds) in flushes)
        {
            var window = (int)(Stopwatch.GetElapsedTime(_start, ended) / Window);
            var (count, longest) = flushed.GetValueOrDefault(window);
            flushed[window] = (count + 1, Math.Max(longest, milliseconds));
        }

        var csv = new StringBuilder("window_ms,due,p50_ms,p99_ms,max_ms,collections,older_collections,paused_ms,commits,operations,in_flight,writer_wait_pct,flushes,flush_max_ms");
        foreach (var group in Groups)
        {
            csv.Append(CultureInfo.InvariantCulture, $",{group}_cpu_pct");
        }

        csv.AppendLine();
        for (var i = 1; i < _samples.Count; i++)
        {
            var (before, after) = (_samples[i - 1], _samples[i]);
            var elapsedNs = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalNanoseconds;
            var window = (int)(Stopwatch.GetElapsedTime(_start, before.Timestamp) / Window);
            csv.Append(CultureInfo.InvariantCulture, $"{Stopwatch.GetElapsedTime(_start, before.Timestamp).TotalMilliseconds:0},");
            if (latencies.GetValueOrDefault(window) is { } list)
            {
                var due = new Percentiles(list);
                csv.Append(CultureInfo.InvariantCulture, $"{due.Count},{due.At(50):0.0},{due.At(99):0.0},{due.Max:0.0},");
            }
            else
            {
                csv.Append(CultureInfo.InvariantCulture, $"0,{none},{none},{none},");
            }
            csv.Append(CultureInfo.InvariantCulture, $"{after.Collections - before.Collections},{after.OlderCollections - before.OlderCollections},{(after.Paused - before.Paused).TotalMilliseconds:0.0},");
            csv.Append(CultureInfo.InvariantCulture, $"{after.Commits - before.Commits},{after.Operations - before.Operations},{after.InFlight},{100 * (after.WriterWaitNs - before.WriterWaitNs) / elapsedNs:0}");
            var (flushCount, flushLongest) = flushed.GetValueOrDefault(window);
            csv.Append(CultureInfo.InvariantCulture, $",{flushCount},{flushLongest:0.0}");
            for (var g = 0; g < Groups.Length; g++)
            {
                csv.Append(CultureInfo.InvariantCulture, $",{100 * (after.CpuNs[g] - before.CpuNs[g]) / elapsedNs:0}");
            }

            csv.AppendLine();
        }

        File.WriteAllText(path, csv.ToString());
    }

    public void Dispose() => Stop();

    private void Stop()
    {
        _stopped = true;
        _thread.Join();
    }

    private void Run()
    {
        while (!_stopped)
        {
            _samples.Add(Take());
            Thread.Sleep(Window);
        }

        _samples.Add(Take());
    }

    private Sample Take()
    {
        // Sums each thread's time since the last sample, so that a thread that ends takes nothing back from its group.
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var group = GroupOf(task);
                var fields = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                var (run, wait) = (long.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture));
                var last = _lastOfTask.GetValueOrDefault(task);
                _lastOfTask[task] = (run, wait);
                _cpuNs[group] += run - last.Run;
                if (Groups[group] == "writer")
                {
                    _writerWaitNs += wait - last.Wait;
                }
            }
            catch (IOException)
            {
                // The thread ended while we read it.
            }
        }

        return new Sample(
            Stopwatch.GetTimestamp(),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.GetTotalPauseDuration(),
            _database.CommittedBatches,
            _database.CommittedOperations,
            _dispatcher.InFlightDeliveries,
            _writerWaitNs,
            [.. _cpuNs]);
    }

    private int GroupOf(string task)
    {
        if (!_groupOfTask.TryGetValue(task, out var group))
        {
            var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
            group = Array.IndexOf(Groups, name switch
            {
                _ when name.StartsWith(".NET TP", StringComparison.Ordinal) => "pool",
                _ when name.StartsWith(".NET Server GC", StringComparison.Ordinal) || name.StartsWith(".NET BGC", StringComparison.Ordinal) => "gc",
                _ when name.StartsWith("Aos.Sqlite.Writ", StringComparison.Ordinal) => "writer",
                _ when name.StartsWith("Aos.Sqlite.Flus", StringComparison.Ordinal) => "flusher",
                _ when name.StartsWith("Aos.Sqlite.Chec", StringComparison.Ordinal) => "checkpointer",
                _ when name.StartsWith(".NET Tiered", StringComparison.Ordinal) => "jit",
                _ => "other",
            });
            _groupOfTask[task] = group;
        }

        return group;
    }

    private sealed record Sample(long Timestamp, int Collections, int OlderCollections, TimeSpan Paused, long Commits, long Operations, int InFlight, long WriterWaitNs, long[] CpuNs);
}
