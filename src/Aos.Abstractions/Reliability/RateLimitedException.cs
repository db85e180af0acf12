namespace Aos.Reliability;

/// <summary>Represents a request refused because its principal used up its rate limit.</summary>
/// <remarks>Nothing was done: the caller may retry after <see cref="RetryAfter"/>, when its limit has been replenished.</remarks>
[GenerateSerializer, Alias("aos.rate-limited-exception")]
public sealed class RateLimitedException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="RateLimitedException"/> class.</summary>
    public RateLimitedException() { }

    /// <summary>Initializes a new instance of the <see cref="RateLimitedException"/> class with a message.</summary>
    /// <param name="message">The principal, its limit and when to retry.</param>
    public RateLimitedException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="RateLimitedException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RateLimitedException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets the principal whose limit was used up.</summary>
    [Id(0)] public string? Principal { get; init; }

    /// <summary>Gets how long the caller should wait before trying again.</summary>
    [Id(1)] public TimeSpan RetryAfter { get; init; }
}
