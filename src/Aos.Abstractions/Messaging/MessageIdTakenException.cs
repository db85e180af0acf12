namespace Aos.Messaging;

/// <summary>
/// Represents a message refused for some recipients because another tenant's message with the same id is already stored for them.
/// </summary>
/// <remarks>
/// A transport de-duplicates by message id and recipient. A message of another tenant with that id never reached the recipient (to it,
/// the recipient does not exist), but it holds the id for it until it is pruned: the sender is told, rather than told "duplicate", and
/// sends again with another id. Nothing was stored for those recipients.
/// </remarks>
[GenerateSerializer, Alias("aos.message-id-taken-exception")]
public sealed class MessageIdTakenException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="MessageIdTakenException"/> class.</summary>
    public MessageIdTakenException() { }

    /// <summary>Initializes a new instance of the <see cref="MessageIdTakenException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public MessageIdTakenException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="MessageIdTakenException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MessageIdTakenException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets the message id that is taken.</summary>
    [Id(0)] public string? MessageId { get; init; }
}
