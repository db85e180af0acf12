namespace Aos.Messaging;

/// <summary>Represents a message refused because its recipient's inbox is full of messages at least as urgent.</summary>
/// <remarks>Nothing was stored: the sender may retry after <see cref="RetryAfter"/>, or send with a higher priority.</remarks>
[GenerateSerializer, Alias("aos.inbox-full-exception")]
public sealed class InboxFullException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="InboxFullException"/> class.</summary>
    public InboxFullException() { }

    /// <summary>Initializes a new instance of the <see cref="InboxFullException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public InboxFullException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="InboxFullException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InboxFullException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets the agent whose inbox is full.</summary>
    [Id(0)] public string? Recipient { get; init; }

    /// <summary>Gets how long the sender should wait before trying again.</summary>
    [Id(1)] public TimeSpan RetryAfter { get; init; }
}
