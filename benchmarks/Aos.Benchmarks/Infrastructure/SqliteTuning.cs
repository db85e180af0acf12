using Aos.Storage.Sqlite;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>Overrides the embedded database's commit settings, for experiments.</summary>
internal sealed record SqliteTuning(SqliteSynchronousMode? Synchronous = null, int? MaxBatchSize = null, TimeSpan? CheckpointInterval = null, long? WriterCacheSize = null)
{
    public void Apply(SqliteStorageOptions options)
    {
        if (Synchronous is { } synchronous)
        {
            options.Synchronous = synchronous;
        }

        if (MaxBatchSize is { } batch)
        {
            options.MaxBatchSize = batch;
        }

        if (CheckpointInterval is { } interval)
        {
            options.CheckpointInterval = interval;
        }

        if (WriterCacheSize is { } cache)
        {
            options.WriterCacheSize = cache;
        }
    }

    public override string ToString() =>
        $"synchronous={Synchronous?.ToString() ?? "default (Full)"}, max batch={MaxBatchSize?.ToString() ?? "default (128)"}, checkpoint interval={CheckpointInterval?.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default (5)"} ms, writer cache={(WriterCacheSize is { } c ? $"{c / (1024 * 1024)} MiB" : "default (32 MiB)")}";
}
