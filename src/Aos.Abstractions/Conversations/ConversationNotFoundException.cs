namespace Aos.Conversations;

/// <summary>Represents a request about a conversation that does not exist.</summary>
[GenerateSerializer, Alias("aos.conversation-not-found-exception")]
public sealed class ConversationNotFoundException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="ConversationNotFoundException"/> class.</summary>
    public ConversationNotFoundException() { }

    /// <summary>Initializes a new instance of the <see cref="ConversationNotFoundException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ConversationNotFoundException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="ConversationNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ConversationNotFoundException(string message, Exception? innerException) : base(message, innerException) { }
}
