using Aos.Agents;

namespace Aos.Kernel.Registry;

/// <summary>Represents a registered agent with its lifecycle status and counters.</summary>
public sealed record AgentInfo
{
    /// <summary>Gets the agent's descriptor.</summary>
    public required AgentDescriptor Descriptor { get; init; }

    /// <summary>Gets the agent's status.</summary>
    public AgentStatus Status { get; init; }

    /// <summary>Gets why the agent failed, when it did.</summary>
    public string? StatusReason { get; init; }

    /// <summary>Gets how many times the agent has woken.</summary>
    public long WakeCount { get; init; }

    /// <summary>Gets how many messages the agent has finished handling.</summary>
    public long EventsProcessed { get; init; }

    /// <summary>Gets how many messages ended as failed.</summary>
    public long EventsFailed { get; init; }

    /// <summary>Gets when the agent last finished handling a message.</summary>
    public DateTimeOffset? LastEventAt { get; init; }
}
