namespace Aos.Reliability;

/// <summary>Configures one principal's token bucket: a steady rate and a burst.</summary>
public sealed class TokenBucketOptions
{
    /// <summary>Gets or sets how many requests a principal may make per second, on average.</summary>
    /// <value>The default is 100.</value>
    public int PermitsPerSecond { get; set; } = 100;

    /// <summary>Gets or sets how many requests a principal may make at once after being idle: the bucket's size.</summary>
    /// <value>The default is 200.</value>
    public int Burst { get; set; } = 200;
}
