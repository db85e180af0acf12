namespace Aos.Security;

/// <summary>Represents a system call refused because it reaches beyond the calling agent's grants. Nothing was sent or changed.</summary>
/// <remarks>An agent touches nothing outside its own state unless its <see cref="Agents.AgentGrants"/> say so; the message names the grant that is missing.</remarks>
[GenerateSerializer, Alias("aos.agent-grant-exception")]
public sealed class AgentGrantException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="AgentGrantException"/> class.</summary>
    public AgentGrantException() { }

    /// <summary>Initializes a new instance of the <see cref="AgentGrantException"/> class.</summary>
    /// <param name="message">What was refused and which grant would allow it.</param>
    public AgentGrantException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="AgentGrantException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AgentGrantException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the refusal of something an agent's grants do not allow, naming the grant that would.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="what">What it tried, as in "may not {what}".</param>
    /// <param name="fix">The grant that would allow it, as in "an operator can add {fix}".</param>
    /// <returns>The exception.</returns>
    public static AgentGrantException Outside(string agentId, string what, string fix) =>
        new($"Agent '{agentId}' may not {what}: it is outside the agent's grants. An operator can add {fix} with PUT /v1/agents/{agentId}/grants.")
        {
            AgentId = agentId,
        };

    /// <summary>Gets the agent whose system call was refused.</summary>
    [Id(0)] public string? AgentId { get; init; }
}
