namespace Aos.Storage;

/// <summary>Names an append-only list that an agent keeps in its <see cref="IAgentJournal"/>.</summary>
public enum JournalKind
{
    /// <summary>The agent's event history: one entry per event or request it handled.</summary>
    History = 0,

    /// <summary>The agent's memory items.</summary>
    Memory = 1,

    /// <summary>The agent's decision records, with rationale.</summary>
    Decisions = 2,
}
