using Aos.Agents;

namespace Aos.Kernel.Agents;

/// <summary>
/// Holds what an agent keeps in its grain state: lifecycle counters, context values, counters, goals and its own state.
/// </summary>
/// <remarks>
/// History, memory and decisions are append-only lists kept in the <see cref="Storage.IAgentJournal"/>, not here, so
/// a turn's write does not grow with them. Values are JSON text.
/// </remarks>
[GenerateSerializer, Alias("aos.agent-state.v1")]
public sealed class AgentState
{
    /// <summary>Gets or sets how many times the agent has woken.</summary>
    [Id(0)] public long WakeCount { get; set; }

    /// <summary>Gets or sets how many messages the agent has finished handling, successfully or not.</summary>
    [Id(1)] public long EventsProcessed { get; set; }

    /// <summary>Gets or sets how many messages ended as failed.</summary>
    [Id(2)] public long EventsFailed { get; set; }

    /// <summary>Gets or sets when the agent last finished handling a message.</summary>
    [Id(3)] public DateTimeOffset? LastEventAt { get; set; }

    /// <summary>Gets or sets the context's key/value entries, as JSON text.</summary>
    [Id(4)] public Dictionary<string, string> Values { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the context's counters.</summary>
    [Id(5)] public Dictionary<string, long> Counters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the agent's goals.</summary>
    [Id(6)] public List<Goal> Goals { get; set; } = [];

    /// <summary>Gets or sets the agent's own state, as JSON text.</summary>
    [Id(7)] public string? AgentStateJson { get; set; }

    /// <summary>Gets or sets the names of scheduled wake-ups that fire once.</summary>
    [Id(8)] public HashSet<string> OneShotWakeUps { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the number of the next goal id.</summary>
    [Id(9)] public long NextGoalNumber { get; set; } = 1;
}
