using System.Diagnostics;
using System.Diagnostics.Metrics;
using Aos.Storage;
using Aos.Storage.Sqlite;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// Records the flushes of one SQLite database's write-ahead log while a measurement runs, from the histogram
/// <see cref="StorageDiagnostics.LogFlushDurationName"/>: when each ended and how long the disk took. Every acknowledged write waits for one.
/// </summary>
internal sealed class LogFlushRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly List<(long Ended, double Milliseconds)> _flushes = [];

    private LogFlushRecorder(SqliteDatabase database)
    {
        _path = database.DatabasePath;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StorageDiagnostics.Name && instrument.Name == StorageDiagnostics.LogFlushDurationName)
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

    /// <summary>Describes the flushes recorded over <paramref name="elapsed"/>: how many, and their stalls (<see cref="SyncStalls"/>).</summary>
    public string Describe(TimeSpan elapsed)
    {
        var flushes = Flushes;
        if (flushes.Count == 0)
        {
            return "no log flushes recorded (the database does not flush separately: synchronous below Full, or not in WAL mode)";
        }

        return $"{flushes.Count:N0} log flushes ({flushes.Count / elapsed.TotalSeconds:N0}/s; every acknowledgement waits for one): " +
            SyncStalls.Describe([.. flushes.Select(f => f.Milliseconds)], elapsed, withP999: false);
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
