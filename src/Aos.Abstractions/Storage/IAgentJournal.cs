namespace Aos.Storage;

/// <summary>
/// Keeps an agent's bounded, append-only lists (history, memory, decisions) outside its grain state.
/// </summary>
/// <remarks>
/// Appending costs one row, not a rewrite of the list, so a long history does not slow an agent's turns and an
/// active agent does not hold its history in memory. Each list keeps its newest entries up to a limit given at append.
/// Implementations are thread-safe; an append is durable when its task completes.
/// </remarks>
public interface IAgentJournal
{
    /// <summary>Appends entries to one of an agent's lists and drops the oldest beyond <paramref name="keep"/>.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="kind">The list.</param>
    /// <param name="entries">The entries, as JSON, oldest first.</param>
    /// <param name="timestamp">When the entries were appended.</param>
    /// <param name="keep">How many of the newest entries to keep.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the entries are durable.</returns>
    ValueTask AppendAsync(AgentId agentId, JournalKind kind, IReadOnlyList<string> entries, DateTimeOffset timestamp, int keep, CancellationToken cancellationToken = default);

    /// <summary>Reads the newest entries of one of an agent's lists.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="kind">The list.</param>
    /// <param name="limit">The most entries to read.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Up to <paramref name="limit"/> of the newest entries, oldest first.</returns>
    ValueTask<IReadOnlyList<JournalEntry>> ReadAsync(AgentId agentId, JournalKind kind, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes every list of an agent.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the deletion is durable.</returns>
    ValueTask DeleteAsync(AgentId agentId, CancellationToken cancellationToken = default);
}
