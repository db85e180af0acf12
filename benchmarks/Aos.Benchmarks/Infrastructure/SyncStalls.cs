namespace Aos.Benchmarks.Infrastructure;

/// <summary>Summarises syncs to disk (the disk probe's, or a log's flushes): their percentiles and the stalls among them.</summary>
internal static class SyncStalls
{
    /// <summary>Gets the wait above which a sync counts as a stall: the bus's p99 target.</summary>
    public const double StallMilliseconds = 20;

    /// <summary>Describes the syncs taken over <paramref name="elapsed"/>: percentiles, the stalls, and the share of time they leave a write over the target.</summary>
    public static string Describe(IReadOnlyList<double> syncMilliseconds, TimeSpan elapsed, bool withP999)
    {
        var durations = new Percentiles(syncMilliseconds);
        var stalls = syncMilliseconds.Where(ms => ms >= StallMilliseconds).ToList();
        var p999 = withP999 ? $", p99.9 {Percentiles.Ms(durations.At(99.9))} ms" : string.Empty;
        return $"p50 {Percentiles.Ms(durations.At(50))} ms, p99 {Percentiles.Ms(durations.At(99))} ms{p999}, max {Percentiles.Ms(durations.Max)} ms; " +
            $"{stalls.Count} took {StallMilliseconds:0} ms or more, {stalls.Sum():N0} ms in all; {Floor(syncMilliseconds, elapsed)}";
    }

    /// <summary>
    /// Describes the share of the time during which a write had more than the target left to wait for its sync. Syncs run one after
    /// another, and a write that arrives during one waits for it to end and for the next: of a sync of <c>d</c> ms, a write arriving in
    /// its first <c>d − 20</c> ms waits more than 20 ms. Writes arrive at an even rate in an open loop, so at least this share of them
    /// waited more than 20 ms for durability alone; a p99 of 20 ms or less needs it below 1 %.
    /// </summary>
    private static string Floor(IEnumerable<double> syncMilliseconds, TimeSpan elapsed)
    {
        var beyond = syncMilliseconds.Where(ms => ms > StallMilliseconds).Sum(ms => ms - StallMilliseconds);
        return $"a write had over {StallMilliseconds:0} ms left to wait for its sync {100 * beyond / elapsed.TotalMilliseconds:0.00} % of the time";
    }
}
