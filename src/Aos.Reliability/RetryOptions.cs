namespace Aos.Reliability;

/// <summary>Configures the retry of transient failures: exponential backoff (×2), capped, with jitter.</summary>
/// <remarks>Only errors the <see cref="IErrorClassifier"/> classifies <see cref="ErrorClass.Transient"/> are retried; permanent and validation errors never are.</remarks>
public sealed class RetryOptions
{
    /// <summary>Gets or sets how many times a failed call is retried after its first try: 3 means at most 4 tries in all.</summary>
    /// <value>The default is 3 (Polly's <c>MaxRetryAttempts</c>); 0 disables the retry.</value>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the delay before the first retry; each next one doubles it.</summary>
    /// <value>The default is 100 milliseconds.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets the longest delay between two tries.</summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets a value indicating whether each delay is spread randomly by ±25 % (never above <see cref="MaxDelay"/>), so that callers failing together do not come back together.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool UseJitter { get; set; } = true;
}
