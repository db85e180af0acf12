using System.Diagnostics.Metrics;

namespace Aos.Storage;

/// <summary>Owns the embedded storage's <see cref="Meter"/>, named <c>Aos.Storage</c>.</summary>
public static class StorageDiagnostics
{
    /// <summary>Gets the name of the storage's meter.</summary>
    public const string Name = "Aos.Storage";

    /// <summary>Gets the name of the tag that carries the path of an SQLite database file.</summary>
    public const string DatabaseTag = "aos.sqlite.database";

    /// <summary>Gets the name of the histogram of SQLite write-ahead log flushes, in seconds, tagged with <see cref="DatabaseTag"/>.</summary>
    public const string LogFlushDurationName = "aos.storage.sqlite.log_flush.duration";

    /// <summary>Gets the storage's meter.</summary>
    public static Meter Meter { get; } = new(Name, typeof(StorageDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>Gets the time the disk took for each flush of an SQLite write-ahead log, which every acknowledged write waited for.</summary>
    internal static Histogram<double> LogFlushDuration { get; } = Meter.CreateHistogram<double>(
        LogFlushDurationName,
        "s",
        "Time the disk took to make a batch of SQLite commits durable (one sync of the write-ahead log); every write acknowledged by it waited as long.");
}
