namespace Aos.Reliability;

/// <summary>Configures the idempotency store.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>Gets or sets how long the first result is kept and returned to every repeat.</summary>
    /// <value>The default is 24 hours.</value>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets how long a first run that has not finished holds its key; after that a repeat runs again (the first run is presumed lost with its node).</summary>
    /// <value>The default is 5 minutes.</value>
    public TimeSpan InProgressTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how often expired entries are deleted.</summary>
    /// <value>The default is 10 minutes.</value>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);
}
