using System.Diagnostics;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// Measures the disk alone: a plain loop that writes a block and syncs the file, at a fixed rate, as a log's flusher does. Its
/// tail is the floor under any latency that waits for a sync on that disk.
/// </summary>
internal static class DiskSyncProbe
{
    /// <summary>Gets the bytes written before each sync: about what a flush of the bus's log covers at 25,000 messages/s.</summary>
    public const int BlockBytes = 128 * 1024;

    /// <summary>Gets the syncs per second: about the bus's log flushes at 25,000 messages/s.</summary>
    public const int SyncsPerSecond = 600;

    private const int Blocks = 256;

    /// <summary>Runs the loop in <paramref name="directory"/> for <paramref name="duration"/> and describes each sync's duration.</summary>
    public static string Run(string directory, TimeSpan duration)
    {
        var path = Path.Combine(directory, "disk-probe.tmp");
        var block = new byte[BlockBytes];
        Random.Shared.NextBytes(block);
        var syncs = new List<double>();
        try
        {
            using var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
            var start = Stopwatch.GetTimestamp();
            for (var k = 0; Stopwatch.GetElapsedTime(start) < duration; k++)
            {
                var due = start + (long)((double)k / SyncsPerSecond * Stopwatch.Frequency);
                if (Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due) is var wait && wait > TimeSpan.Zero)
                {
                    Thread.Sleep(wait);
                }

                RandomAccess.Write(file, block, (long)(k % Blocks) * BlockBytes);
                var synced = Stopwatch.GetTimestamp();
                RandomAccess.FlushToDisk(file);
                syncs.Add(Stopwatch.GetElapsedTime(synced).TotalMilliseconds);
            }
        }
        finally
        {
            File.Delete(path);
        }

        return $"{BlockBytes / 1024} KB write + sync at {SyncsPerSecond}/s for {duration.TotalSeconds:0} s on the data directory's disk, nothing else running: " +
            $"{syncs.Count:N0} syncs, {SyncStalls.Describe(syncs, duration, withP999: true)}";
    }
}
