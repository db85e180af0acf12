using System.Text.Json;
using Aos.Agents;
using Aos.Kernel.Registry;
using Aos.Registry;

namespace Aos.Server.Contracts;

/// <summary>Represents an agent over HTTP: its descriptor, with its status and counters when known.</summary>
public sealed record AgentView
{
    /// <summary>Gets the agent's id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the agent's type.</summary>
    public required string Type { get; init; }

    /// <summary>Gets the agent type's version.</summary>
    public required string Version { get; init; }

    /// <summary>Gets the agent's purpose.</summary>
    public string? Purpose { get; init; }

    /// <summary>Gets the agent's capabilities.</summary>
    public required IReadOnlyList<string> Capabilities { get; init; }

    /// <summary>Gets the agent's subscriptions.</summary>
    public required IReadOnlyList<string> Subscriptions { get; init; }

    /// <summary>Gets the message types the agent takes from topics and broadcasts; empty for every type.</summary>
    public IReadOnlyList<string> MessageTypes { get; init; } = [];

    /// <summary>Gets the agent's configuration.</summary>
    public required IReadOnlyDictionary<string, JsonElement> Config { get; init; }

    /// <summary>Gets the tenant the agent belongs to.</summary>
    public string Tenant { get; init; } = Aos.Security.AosTenants.Default;

    /// <summary>Gets what the agent may touch beyond its own state.</summary>
    public AgentGrants Grants { get; init; } = AgentGrants.None;

    /// <summary>Gets when the agent was registered.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the agent's status.</summary>
    public AgentStatus Status { get; init; }

    /// <summary>Gets why the agent failed, when it did.</summary>
    public string? StatusReason { get; init; }

    /// <summary>Gets how many times the agent has woken, when read.</summary>
    public long? WakeCount { get; init; }

    /// <summary>Gets how many messages the agent has handled, when read.</summary>
    public long? EventsProcessed { get; init; }

    /// <summary>Gets how many messages ended as failed, when read.</summary>
    public long? EventsFailed { get; init; }

    /// <summary>Gets when the agent last handled a message.</summary>
    public DateTimeOffset? LastEventAt { get; init; }

    internal static AgentView From(AgentDescriptor descriptor, AgentStatus status = AgentStatus.Sleeping, string? reason = null) => new()
    {
        Id = descriptor.Id.Value,
        Type = descriptor.Type,
        Version = descriptor.Version,
        Purpose = descriptor.Purpose,
        Capabilities = descriptor.Capabilities,
        Subscriptions = descriptor.Subscriptions,
        MessageTypes = descriptor.MessageTypes,
        Tenant = descriptor.Tenant,
        Grants = descriptor.Grants,
        Config = descriptor.Config,
        CreatedAt = descriptor.CreatedAt,
        Status = status,
        StatusReason = reason,
    };

    internal static AgentView From(AgentRecord record) => From(record.Descriptor, record.Status, record.StatusReason);

    internal static AgentView From(AgentInfo info) => From(info.Descriptor, info.Status, info.StatusReason) with
    {
        WakeCount = info.WakeCount,
        EventsProcessed = info.EventsProcessed,
        EventsFailed = info.EventsFailed,
        LastEventAt = info.LastEventAt,
    };
}
