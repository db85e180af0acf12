using Aos.Agents;

namespace Aos.Registry;

/// <summary>
/// Stores agent descriptors and statuses durably, indexed for discovery by type, capability, status and subscription.
/// </summary>
/// <remarks>
/// The directory is the registry's backing store. It is shared by every silo of a cluster and holds no agent in memory,
/// so a million registered agents cost disk, not memory. Implementations are thread-safe.
/// </remarks>
public interface IAgentDirectory
{
    /// <summary>Adds agents that are not registered yet, atomically: when any id exists already, nothing is added.</summary>
    /// <param name="descriptors">The agents to add.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The ids that exist already (then nothing was added), or an empty list when every agent was added.</returns>
    Task<IReadOnlyList<AgentId>> AddAsync(IReadOnlyList<AgentDescriptor> descriptors, CancellationToken cancellationToken = default);

    /// <summary>Gets one agent, or <see langword="null"/> when it is not registered.</summary>
    /// <param name="id">The agent's id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The agent's record, or <see langword="null"/>.</returns>
    Task<AgentRecord?> GetAsync(AgentId id, CancellationToken cancellationToken = default);

    /// <summary>Removes an agent.</summary>
    /// <param name="id">The agent's id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when the agent was registered.</returns>
    Task<bool> RemoveAsync(AgentId id, CancellationToken cancellationToken = default);

    /// <summary>Lists agents that match a query, one page at a time.</summary>
    /// <param name="query">The filters and page.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The page.</returns>
    Task<AgentPage> ListAsync(AgentQuery query, CancellationToken cancellationToken = default);

    /// <summary>Lists the ids of a tenant's agents that have a subscription matching a topic.</summary>
    /// <param name="tenant">The tenant; agents of other tenants never match.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The subscribers, ordered by id.</returns>
    Task<IReadOnlyList<AgentId>> GetSubscribersAsync(string tenant, string topic, CancellationToken cancellationToken = default) =>
        GetSubscribersAsync(tenant, topic, messageType: null, cancellationToken);

    /// <summary>Lists the ids of a tenant's agents that have a subscription matching a topic and take a message type.</summary>
    /// <param name="tenant">The tenant; agents of other tenants never match.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="messageType">
    /// The message's type: an agent whose descriptor lists <see cref="AgentDescriptor.MessageTypes"/> takes only those; <see langword="null"/>
    /// for every subscriber.
    /// </param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The subscribers, ordered by id.</returns>
    Task<IReadOnlyList<AgentId>> GetSubscribersAsync(string tenant, string topic, string? messageType, CancellationToken cancellationToken = default);

    /// <summary>Records an agent's status.</summary>
    /// <param name="id">The agent's id.</param>
    /// <param name="status">The new status.</param>
    /// <param name="reason">Why, for <see cref="AgentStatus.Failed"/>.</param>
    /// <param name="silo">The silo the agent is active in, for <see cref="AgentStatus.Active"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the status is durable.</returns>
    Task SetStatusAsync(AgentId id, AgentStatus status, string? reason, string? silo, CancellationToken cancellationToken = default);

    /// <summary>Marks as sleeping every agent reported active by a silo that is not in <paramref name="liveSilos"/>.</summary>
    /// <param name="liveSilos">The silos that are alive; agents active elsewhere were lost with their silo.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many agents were marked sleeping.</returns>
    Task<int> ResetStaleActiveAsync(IReadOnlyCollection<string> liveSilos, CancellationToken cancellationToken = default);

    /// <summary>Adds a topic subscription (a pattern with <c>*</c> and <c>&gt;</c> wildcards) to an agent, durably.</summary>
    /// <param name="id">The agent.</param>
    /// <param name="pattern">The topic pattern.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when added; <see langword="false"/> when the agent already had it.</returns>
    /// <exception cref="AgentNotFoundException">The agent is not registered.</exception>
    /// <exception cref="AosValidationException">The pattern is not valid.</exception>
    Task<bool> SubscribeAsync(AgentId id, string pattern, CancellationToken cancellationToken = default);

    /// <summary>Removes a topic subscription from an agent.</summary>
    /// <param name="id">The agent.</param>
    /// <param name="pattern">The topic pattern, as it was added.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when removed; <see langword="false"/> when the agent did not have it.</returns>
    /// <exception cref="AgentNotFoundException">The agent is not registered.</exception>
    Task<bool> UnsubscribeAsync(AgentId id, string pattern, CancellationToken cancellationToken = default);

    /// <summary>Lists the ids of a tenant's agents whose id starts with a prefix, in id order, one page at a time.</summary>
    /// <param name="tenant">The tenant; agents of other tenants are not listed.</param>
    /// <param name="prefix">The prefix; empty for every agent.</param>
    /// <param name="after">The last id of the previous page, or <see langword="null"/> for the first page.</param>
    /// <param name="limit">The page size.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The ids.</returns>
    Task<IReadOnlyList<AgentId>> ListIdsAsync(string tenant, string prefix, string? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>Replaces an agent's grants, durably.</summary>
    /// <param name="id">The agent.</param>
    /// <param name="grants">The new grants.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The updated record.</returns>
    /// <exception cref="AgentNotFoundException">The agent is not registered.</exception>
    Task<AgentRecord> SetGrantsAsync(AgentId id, AgentGrants grants, CancellationToken cancellationToken = default);
}
