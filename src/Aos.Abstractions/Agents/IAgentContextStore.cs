using System.Text.Json;

namespace Aos.Agents;

/// <summary>
/// Gives an agent its own context: key/value entries, counters, bounded memory and a bounded event history.
/// </summary>
/// <remarks>
/// The store is isolated per agent and persisted with the agent's turn: changes made during a turn become durable
/// together when the turn ends, and are discarded when the turn fails. It is not thread-safe; use it from the agent's turn.
/// </remarks>
public interface IAgentContextStore
{
    /// <summary>Gets the key/value entries.</summary>
    IReadOnlyDictionary<string, JsonElement> Values { get; }

    /// <summary>Gets the counters.</summary>
    IReadOnlyDictionary<string, long> Counters { get; }

    /// <summary>Sets a key/value entry.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    void SetValue(string key, JsonElement value);

    /// <summary>Removes a key/value entry.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when the entry existed.</returns>
    bool RemoveValue(string key);

    /// <summary>Adds to a counter, creating it at zero first when it does not exist.</summary>
    /// <param name="counter">The counter's name.</param>
    /// <param name="delta">How much to add.</param>
    /// <returns>The counter's new value.</returns>
    long Increment(string counter, long delta = 1);

    /// <summary>Remembers an item; the oldest items beyond the memory limit are forgotten.</summary>
    /// <param name="item">The item.</param>
    void Remember(MemoryItem item);

    /// <summary>Reads the newest entries of the event history, oldest first.</summary>
    /// <param name="limit">The most entries to read.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The entries.</returns>
    ValueTask<IReadOnlyList<HistoryEntry>> ReadHistoryAsync(int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Reads the newest memory items, oldest first.</summary>
    /// <param name="limit">The most items to read.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The items.</returns>
    ValueTask<IReadOnlyList<MemoryItem>> ReadMemoryAsync(int limit = 100, CancellationToken cancellationToken = default);
}
