namespace Aos;

/// <summary>Represents a call to an agent that is not registered.</summary>
[GenerateSerializer, Alias("aos.agent-not-found-exception")]
public sealed class AgentNotFoundException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="AgentNotFoundException"/> class.</summary>
    public AgentNotFoundException() { }

    /// <summary>Initializes a new instance of the <see cref="AgentNotFoundException"/> class for an agent.</summary>
    /// <param name="agentId">The agent that is not registered.</param>
    public AgentNotFoundException(string agentId)
        : base($"No agent '{agentId}' is registered. List agents with 'aos agents list' or register it first.") => AgentId = agentId;

    /// <summary>Initializes a new instance of the <see cref="AgentNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AgentNotFoundException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets the id of the agent that is not registered.</summary>
    [Id(0)] public string? AgentId { get; init; }
}
