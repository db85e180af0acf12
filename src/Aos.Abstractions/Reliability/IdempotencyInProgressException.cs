namespace Aos.Reliability;

/// <summary>Represents a repeat of an operation whose first run, elsewhere in the cluster, has not finished yet.</summary>
/// <remarks>Nothing was done: the caller may retry after <see cref="RetryAfter"/> to get the first run's result.</remarks>
[GenerateSerializer, Alias("aos.idempotency-in-progress-exception")]
public sealed class IdempotencyInProgressException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyInProgressException"/> class.</summary>
    public IdempotencyInProgressException() { }

    /// <summary>Initializes a new instance of the <see cref="IdempotencyInProgressException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public IdempotencyInProgressException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="IdempotencyInProgressException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public IdempotencyInProgressException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets the idempotency key (hex SHA-256 of the message id and business key).</summary>
    [Id(0)] public string? Key { get; init; }

    /// <summary>Gets how long the caller should wait before trying again.</summary>
    [Id(1)] public TimeSpan RetryAfter { get; init; }
}
