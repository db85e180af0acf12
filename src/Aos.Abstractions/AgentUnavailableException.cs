namespace Aos;

/// <summary>Represents a call to an agent that cannot serve, for instance because its state could not be loaded.</summary>
[GenerateSerializer, Alias("aos.agent-unavailable-exception")]
public sealed class AgentUnavailableException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="AgentUnavailableException"/> class.</summary>
    public AgentUnavailableException() { }

    /// <summary>Initializes a new instance of the <see cref="AgentUnavailableException"/> class with a message.</summary>
    /// <param name="message">Why the agent cannot serve.</param>
    public AgentUnavailableException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="AgentUnavailableException"/> class with a message and a cause.</summary>
    /// <param name="message">Why the agent cannot serve.</param>
    /// <param name="innerException">The cause.</param>
    public AgentUnavailableException(string message, Exception? innerException) : base(message, innerException) { }
}
