using Aos.Agents;

namespace Aos.Registry;

/// <summary>
/// Represents a registered agent as the directory stores it: its descriptor and its last reported status.
/// </summary>
[GenerateSerializer, Immutable, Alias("aos.agent-record")]
public sealed record AgentRecord
{
    /// <summary>Gets the agent's descriptor.</summary>
    [Id(0)] public required AgentDescriptor Descriptor { get; init; }

    /// <summary>Gets the agent's last reported status.</summary>
    [Id(1)] public AgentStatus Status { get; init; }

    /// <summary>Gets why the agent failed, when <see cref="Status"/> is <see cref="AgentStatus.Failed"/>.</summary>
    [Id(2)] public string? StatusReason { get; init; }

    /// <summary>Gets the silo that reported the status, when the agent is active there.</summary>
    [Id(3)] public string? Silo { get; init; }
}
