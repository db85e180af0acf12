namespace Aos.Reliability;

/// <summary>Computes retry delays: base × 2^n, capped, spread by ±25 % when jitter is on, never above the cap.</summary>
internal static class RetryDelays
{
    public static TimeSpan Delay(RetryOptions options, int attempt, double random)
    {
        var exponent = Math.Clamp(attempt, 0, 30);
        var raw = Math.Min(options.BaseDelay.TotalMilliseconds * Math.Pow(2, exponent), options.MaxDelay.TotalMilliseconds);
        var spread = options.UseJitter ? raw * (0.75 + (0.5 * random)) : raw;
        return TimeSpan.FromMilliseconds(Math.Min(spread, options.MaxDelay.TotalMilliseconds));
    }
}
