namespace Aos.Kernel;

/// <summary>
/// Configures the AOS kernel: agent lifecycle, turn execution and context limits. Bound from <c>Aos:Kernel</c>.
/// </summary>
public sealed class KernelOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Kernel";

    /// <summary>Gets or sets how long an agent stays active with nothing to do before it sleeps (deactivates).</summary>
    /// <value>The default is 5 minutes.</value>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many times a handler is attempted before its message is recorded as failed.</summary>
    /// <value>The default is 3.</value>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets the delay before the first retry of a failed handler; later retries back off exponentially, with jitter.</summary>
    /// <value>The default is 100 milliseconds.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets how long one handler attempt may run before it is cut and the message recorded as failed.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan TurnTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long a request waits for its reply when the caller gives no deadline.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan DefaultRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many event history entries an agent keeps (the newest).</summary>
    /// <value>The default is 1,000.</value>
    public int HistoryLimit { get; set; } = 1000;

    /// <summary>Gets or sets how many memory items an agent keeps (the newest).</summary>
    /// <value>The default is 1,000.</value>
    public int MemoryLimit { get; set; } = 1000;

    /// <summary>Gets or sets how many decision records an agent keeps (the newest).</summary>
    /// <value>The default is 1,000.</value>
    public int DecisionLimit { get; set; } = 1000;

    /// <summary>
    /// Gets or sets how many goals an agent keeps. An agent at the limit that adds a goal forgets its oldest completed goal to make room;
    /// one whose goals are all open is refused until it completes or removes one.
    /// </summary>
    /// <value>The default is 1,000.</value>
    public int GoalLimit { get; set; } = 1000;

    /// <summary>Gets or sets the largest message payload accepted, in bytes of JSON.</summary>
    /// <value>The default is 1 MiB.</value>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets the largest payload copied into an agent's history entry, in bytes of JSON; larger payloads are left out.</summary>
    /// <value>The default is 4 KiB.</value>
    public int HistoryPayloadBytes { get; set; } = 4096;
}
