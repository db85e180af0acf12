using System.Text.Json;
using Aos.Agents;

namespace Aos.Kernel.Registry;

/// <summary>Represents a request to register an agent.</summary>
public sealed record AgentRegistration
{
    /// <summary>Gets the agent's id: 1 to 128 characters from <c>[A-Za-z0-9._-]</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the agent type's name.</summary>
    public required string Type { get; init; }

    /// <summary>Gets the agent's long-term purpose.</summary>
    public string? Purpose { get; init; }

    /// <summary>Gets what the agent can do, for discovery.</summary>
    public IReadOnlyList<string>? Capabilities { get; init; }

    /// <summary>Gets the topics the agent subscribes to.</summary>
    public IReadOnlyList<string>? Subscriptions { get; init; }

    /// <summary>Gets the message types the agent takes from topics and broadcasts; none for every type.</summary>
    public IReadOnlyList<string>? MessageTypes { get; init; }

    /// <summary>Gets what the agent may touch beyond its own state; nothing when absent.</summary>
    public AgentGrants? Grants { get; init; }

    /// <summary>Gets the agent's configuration.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Config { get; init; }
}
