namespace Aos;

/// <summary>Represents a request whose reply did not arrive before its deadline. The message itself is not lost.</summary>
[GenerateSerializer, Alias("aos.agent-timeout-exception")]
public sealed class AgentTimeoutException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="AgentTimeoutException"/> class.</summary>
    public AgentTimeoutException() { }

    /// <summary>Initializes a new instance of the <see cref="AgentTimeoutException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public AgentTimeoutException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="AgentTimeoutException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AgentTimeoutException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets or initializes the id of the message whose reply timed out.</summary>
    [Id(0)] public string? MessageId { get; init; }
}
