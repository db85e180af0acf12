using System.Diagnostics;
using System.Diagnostics.Metrics;
using Aos.Storage;
using Aos.Storage.Sqlite;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// Records the flushes of one SQLite database's write-ahead log while a measurement runs, from the histogram
/// <c>aos.storage.sqlite.log_flush.duration</c>: when each ended and how long the disk took. Every acknowledged write waits for one.
/// </summary>
internal sealed class LogFlushRecorder : IDisposable
{
    private const string Instrument = "aos.storage.sqlite.log_flush.duration";

    private readonly MeterListener _listener = new();
    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly List<(long Ended, double Milliseconds)> _flushes = [];

    private LogFlushRecorder(SqliteDatabase database)
    {
        _path = database.DatabasePath;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StorageDiagnostics.Name && instrument.Name == Instrument)
            {
                listener.EnableMeasurementEvents(instrument, this);
            }
        };
        _listener.SetMeasurementEventCallback<double>(static (_, seconds, tags, state) => ((LogFlushRecorder)state!).OnFlush(seconds, tags));
    }

    /// <summary>Starts recording the flushes of <paramref name="database"/>'s log.</summary>
    public static LogFlushRecorder Start(SqliteDatabase database)
    {
        var recorder = new LogFlushRecorder(database);
        recorder._listener.Start();
        return recorder;
    }

    /// <summary>Gets the flushes recorded so far: the Stopwatch timestamp each ended at, and its duration.</summary>
    public IReadOnlyList<(long Ended, double Milliseconds)> Flushes
    {
        get
        {
            lock (_lock)
            {
                return [.. _flushes];
            }
        }
    }

    /// <summary>Describes the flushes recorded over <paramref name="elapsed"/>: how many, their percentiles, and the ones of 20 ms or more.</summary>
    public string Describe(TimeSpan elapsed)
    {
        var flushes = Flushes;
        if (flushes.Count == 0)
        {
            return "no log flushes recorded (the database does not flush separately: synchronous below Full, or not in WAL mode)";
        }

        var durations = new Percentiles(flushes.Select(f => f.Milliseconds));
        var slow = flushes.Where(f => f.Milliseconds >= 20).ToList();
        return $"{flushes.Count:N0} log flushes ({flushes.Count / elapsed.TotalSeconds:N0}/s; every acknowledgement waits for one): p50 {Percentiles.Ms(durations.At(50))} ms, " +
            $"p99 {Percentiles.Ms(durations.At(99))} ms, max {Percentiles.Ms(durations.Max)} ms; {slow.Count} took 20 ms or more, {slow.Sum(f => f.Milliseconds):N0} ms in all; " +
            StallFloor(flushes.Select(f => f.Milliseconds), elapsed);
    }

    /// <summary>
    /// Describes the share of the time during which a write had more than 20 ms left to wait for its flush. Flushes run one after
    /// another, and a write that arrives during one waits for it to end and for the next: of a flush of <c>d</c> ms, a write arriving
    /// in its first <c>d − 20</c> ms waits more than 20 ms. Writes arrive at an even rate in an open loop, so at least this share of
    /// them waited more than 20 ms for durability alone; a p99 of 20 ms or less needs it below 1 %.
    /// </summary>
    public static string StallFloor(IEnumerable<double> syncMilliseconds, TimeSpan elapsed)
    {
        var beyond = syncMilliseconds.Where(ms => ms > 20).Sum(ms => ms - 20);
        return $"a write had over 20 ms left to wait for its sync {100 * beyond / elapsed.TotalMilliseconds:0.00} % of the time";
    }

    public void Dispose() => _listener.Dispose();

    private void OnFlush(double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == StorageDiagnostics.DatabaseTag && Equals(tag.Value, _path))
            {
                var ended = Stopwatch.GetTimestamp();
                lock (_lock)
                {
                    _flushes.Add((ended, seconds * 1000));
                }

                return;
            }
        }
    }
}
