namespace Aos.Kernel.Messaging;

/// <summary>Computes the delay before a message's next delivery attempt: exponential, capped, with jitter.</summary>
/// <remarks>
/// Polly runs retries in memory; a bus retry outlives the process, so its schedule is stored with the message and computed here.
/// The delay for attempt <c>n</c> (1-based) is <c>base × 2^(n-1)</c>, capped, then spread by ±25 % so that many messages failing
/// together do not come back together.
/// </remarks>
internal static class RetryBackoff
{
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
        var raw = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), maxDelay.TotalMilliseconds);
        var jittered = raw * (0.75 + (0.5 * random));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, maxDelay.TotalMilliseconds));
    }
}
