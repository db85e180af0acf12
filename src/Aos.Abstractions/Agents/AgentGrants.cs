using Aos.Messaging;

namespace Aos.Agents;

/// <summary>
/// Says what an agent may touch through its system calls beyond its own state: deny by default.
/// </summary>
/// <remarks>
/// <para>
/// An agent with no grants can keep its own state, schedule its own wake-ups, answer the requests it receives and receive what it is sent
/// or subscribed to by whoever registered it; it cannot send to, request from or broadcast to another agent, publish on a topic or
/// subscribe itself to one. Grants never cross tenants: an agent reaches only agents of its own tenant, whatever its grants say.
/// </para>
/// <para>
/// <see cref="Agents"/> holds agent ids, prefixes ending in <c>*</c> (<c>billing-*</c>) or <c>*</c> for every agent of the tenant.
/// <see cref="Topics"/> holds topic patterns (<c>orders.*.created</c>, <c>orders.&gt;</c>, <c>&gt;</c>): the agent may publish on a topic one
/// of them matches, and subscribe to a pattern one of them covers.
/// </para>
/// <para>
/// <see cref="Stores"/> holds store names (or <c>*</c>): the agent may use the tenant's shared part of those named stores
/// (<see cref="Storage.IAgentStorage.Tenant"/>), which every agent of the tenant granted the same store sees. Its own part of every
/// store needs no grant.
/// </para>
/// </remarks>
[GenerateSerializer, Immutable, Alias("aos.agent-grants")]
public sealed record AgentGrants
{
    /// <summary>Gets the grants of an agent that may touch nothing beyond itself.</summary>
    public static AgentGrants None { get; } = new();

    /// <summary>Gets the agents the agent may send to, request from and broadcast to: ids, prefixes ending in <c>*</c>, or <c>*</c>.</summary>
    [Id(0)] public IReadOnlyList<string> Agents { get; init; } = [];

    /// <summary>Gets the topic patterns the agent may publish on and subscribe to.</summary>
    [Id(1)] public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>Gets the stores whose tenant-shared part the agent may use: store names, or <c>*</c> for every store.</summary>
    [Id(2)] public IReadOnlyList<string> Stores { get; init; } = [];

    /// <summary>Tells whether the agent may use the tenant's shared part of a store.</summary>
    /// <param name="store">The store's name.</param>
    /// <returns><see langword="true"/> when <see cref="Stores"/> names it or holds <c>*</c>.</returns>
    public bool AllowsStore(string store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stores = Stores;
        for (var i = 0; i < stores.Count; i++)
        {
            if (stores[i] == "*" || string.Equals(stores[i], store, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Tells whether the agent may send to or request from an agent.</summary>
    /// <param name="target">The agent addressed.</param>
    /// <returns><see langword="true"/> when an entry of <see cref="Agents"/> names it.</returns>
    public bool AllowsAgent(AgentId target)
    {
        var id = target.Value ?? string.Empty;
        var agents = Agents;
        for (var i = 0; i < agents.Count; i++)
        {
            var entry = agents[i];
            if (entry.EndsWith('*') ? id.StartsWith(entry.AsSpan(0, entry.Length - 1), StringComparison.Ordinal) : string.Equals(entry, id, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Tells whether the agent may broadcast to every agent whose id starts with a prefix.</summary>
    /// <param name="idPrefix">The broadcast's prefix; empty for every agent.</param>
    /// <returns><see langword="true"/> when an entry of <see cref="Agents"/> ending in <c>*</c> covers every id with that prefix.</returns>
    public bool AllowsBroadcast(string idPrefix)
    {
        ArgumentNullException.ThrowIfNull(idPrefix);
        var agents = Agents;
        for (var i = 0; i < agents.Count; i++)
        {
            var entry = agents[i];
            if (entry.EndsWith('*') && idPrefix.StartsWith(entry.AsSpan(0, entry.Length - 1), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Tells whether the agent may publish on a topic.</summary>
    /// <param name="topic">The topic.</param>
    /// <returns><see langword="true"/> when a pattern of <see cref="Topics"/> matches it.</returns>
    public bool AllowsPublish(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);

        // Indexed, not foreach: enumerating an IReadOnlyList allocates, and this runs on every publish.
        var topics = Topics;
        for (var i = 0; i < topics.Count; i++)
        {
            if (TopicPattern.Matches(topics[i], topic))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Tells whether the agent may subscribe itself to a pattern: one of <see cref="Topics"/> must match every topic it matches.</summary>
    /// <param name="pattern">The subscription pattern.</param>
    /// <returns><see langword="true"/> when a granted pattern covers it.</returns>
    public bool AllowsSubscribe(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        foreach (var granted in Topics)
        {
            if (Covers(granted, pattern))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Checks the grants: agent entries are ids, prefixes ending in <c>*</c> or <c>*</c>; topics are valid patterns; stores are store names or <c>*</c>.</summary>
    /// <exception cref="AosValidationException">An entry is not valid; the message names it.</exception>
    public void Validate()
    {
        foreach (var entry in Agents)
        {
            if (string.IsNullOrEmpty(entry))
            {
                throw new AosValidationException("An agent grant is empty: give an agent id, a prefix ending in '*', or '*' for every agent of the tenant.") { Field = "grants.agents" };
            }

            var id = entry[^1] == '*' ? entry[..^1] : entry;
            if (id.Length > 0 && !AgentId.TryParse(id, out _, out var error))
            {
                throw new AosValidationException($"The agent grant '{entry}' is not an agent id, a prefix ending in '*' or '*': {error}") { Field = "grants.agents" };
            }
        }

        foreach (var pattern in Topics)
        {
            try
            {
                TopicPattern.ValidatePattern(pattern);
            }
            catch (AosValidationException ex)
            {
                throw new AosValidationException($"The topic grant '{pattern}' is not a valid pattern: {ex.Message}") { Field = "grants.topics" };
            }
        }

        foreach (var store in Stores)
        {
            if (store == "*")
            {
                continue;
            }

            try
            {
                Storage.StorageNames.ValidateName(store, "store name");
            }
            catch (AosValidationException ex)
            {
                throw new AosValidationException($"The store grant '{store}' is not a store name or '*': {ex.Message}") { Field = "grants.stores" };
            }

            if (store.Length > Storage.StorageCatalog.MaxAgentStoreNameLength)
            {
                throw new AosValidationException(
                    $"The store grant '{store}' has {store.Length} characters; an agent's store name is at most {Storage.StorageCatalog.MaxAgentStoreNameLength}.") { Field = "grants.stores" };
            }
        }
    }

    // A granted pattern covers a requested one when every topic the requested one matches, it matches too.
    private static bool Covers(string granted, string requested)
    {
        var g = granted.Split('.');
        var r = requested.Split('.');
        for (var i = 0; i < g.Length; i++)
        {
            if (g[i] == ">")
            {
                return i < r.Length;
            }

            if (i >= r.Length || r[i] == ">" || (g[i] != "*" && (r[i] == "*" || !string.Equals(g[i], r[i], StringComparison.Ordinal))))
            {
                return false;
            }
        }

        return g.Length == r.Length;
    }
}
