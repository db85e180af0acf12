using System.Text.Json;

namespace Aos.Agents;

/// <summary>
/// Describes a registered agent: who it is, what it does and how it is configured.
/// </summary>
/// <remarks>Descriptors are stored durably by the registry and survive restarts.</remarks>
[GenerateSerializer, Immutable, Alias("aos.agent-descriptor")]
public sealed record AgentDescriptor
{
    /// <summary>Gets the agent's id.</summary>
    [Id(0)] public required AgentId Id { get; init; }

    /// <summary>Gets the name of the agent's type, as given by its <c>[AgentType]</c> attribute.</summary>
    [Id(1)] public required string Type { get; init; }

    /// <summary>Gets the version of the agent type the agent was registered with.</summary>
    [Id(2)] public string Version { get; init; } = "1";

    /// <summary>Gets the agent's long-term purpose, in plain words.</summary>
    [Id(3)] public string? Purpose { get; init; }

    /// <summary>Gets what the agent can do, for discovery.</summary>
    [Id(4)] public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>Gets the topic patterns the agent subscribes to: dotted names where <c>*</c> matches one segment and <c>&gt;</c> the rest.</summary>
    [Id(5)] public IReadOnlyList<string> Subscriptions { get; init; } = [];

    /// <summary>Gets the agent's configuration, free-form JSON values by key.</summary>
    [Id(6)] public IReadOnlyDictionary<string, JsonElement> Config { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Gets when the agent was registered.</summary>
    [Id(7)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the message types the agent takes from topics and broadcasts; empty for every type.</summary>
    /// <remarks>Published and broadcast messages of other types are not handed to the agent's handlers. Direct sends are not filtered.</remarks>
    [Id(8)] public IReadOnlyList<string> MessageTypes { get; init; } = [];

    /// <summary>Gets the tenant the agent belongs to: only principals and agents of that tenant can reach it.</summary>
    /// <value>The default is <see cref="Security.AosTenants.Default"/>.</value>
    [Id(9)] public string Tenant { get; init; } = Security.AosTenants.Default;

    /// <summary>Gets what the agent may touch beyond its own state and the replies it owes; nothing by default.</summary>
    [Id(10)] public AgentGrants Grants { get; init; } = AgentGrants.None;

    /// <summary>Tells whether an agent that declares message types takes a published or broadcast message of a type.</summary>
    /// <param name="messageTypes">The types the agent declares (<see cref="MessageTypes"/>); empty for every type.</param>
    /// <param name="messageType">The message's type.</param>
    /// <returns><see langword="true"/> when the agent declares no types, or declares this one (compared ordinally).</returns>
    public static bool Takes(IReadOnlyList<string> messageTypes, string messageType)
    {
        ArgumentNullException.ThrowIfNull(messageTypes);
        if (messageTypes.Count == 0)
        {
            return true;
        }

        for (var i = 0; i < messageTypes.Count; i++)
        {
            if (string.Equals(messageTypes[i], messageType, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
