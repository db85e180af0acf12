namespace Aos;

/// <summary>Represents a registration refused because an agent with the same id exists already. Nothing was changed.</summary>
[GenerateSerializer, Alias("aos.agent-conflict-exception")]
public sealed class AgentConflictException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="AgentConflictException"/> class.</summary>
    public AgentConflictException() { }

    /// <summary>Initializes a new instance of the <see cref="AgentConflictException"/> class for the ids that exist.</summary>
    /// <param name="agentIds">The ids that are registered already.</param>
    public AgentConflictException(IReadOnlyList<string> agentIds)
        : base($"An agent with id '{string.Join("', '", agentIds.Take(5))}' is registered already. Choose another id, or deregister the existing agent first.")
        => AgentIds = agentIds;

    /// <summary>Initializes a new instance of the <see cref="AgentConflictException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AgentConflictException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets the ids that are registered already.</summary>
    [Id(0)] public IReadOnlyList<string> AgentIds { get; init; } = [];
}
