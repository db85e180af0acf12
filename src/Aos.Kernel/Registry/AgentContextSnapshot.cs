using System.Text.Json;
using Aos.Agents;

namespace Aos.Kernel.Registry;

/// <summary>Represents an agent's context as last persisted: values, counters, goals, history, memory and decisions.</summary>
public sealed record AgentContextSnapshot
{
    /// <summary>Gets the key/value entries.</summary>
    public required IReadOnlyDictionary<string, JsonElement> Values { get; init; }

    /// <summary>Gets the counters.</summary>
    public required IReadOnlyDictionary<string, long> Counters { get; init; }

    /// <summary>Gets the goals.</summary>
    public required IReadOnlyList<Goal> Goals { get; init; }

    /// <summary>Gets the newest history entries, oldest first.</summary>
    public required IReadOnlyList<HistoryEntry> History { get; init; }

    /// <summary>Gets the newest memory items, oldest first.</summary>
    public required IReadOnlyList<MemoryItem> Memory { get; init; }

    /// <summary>Gets the newest decision records, oldest first.</summary>
    public required IReadOnlyList<DecisionRecord> Decisions { get; init; }
}
