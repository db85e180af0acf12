namespace Aos.Messaging;

/// <summary>Represents a request about a message the bus does not know (never accepted, or delivered and forgotten after the retention window).</summary>
[GenerateSerializer, Alias("aos.message-not-found-exception")]
public sealed class MessageNotFoundException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="MessageNotFoundException"/> class.</summary>
    public MessageNotFoundException() { }

    /// <summary>Initializes a new instance of the <see cref="MessageNotFoundException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public MessageNotFoundException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="MessageNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MessageNotFoundException(string message, Exception? innerException) : base(message, innerException) { }
}
