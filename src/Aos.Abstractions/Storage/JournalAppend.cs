namespace Aos.Storage;

/// <summary>Represents entries to append to one of an agent's journal lists as part of a turn's commit.</summary>
/// <param name="Kind">The list.</param>
/// <param name="Entries">The entries, as JSON, oldest first.</param>
/// <param name="Timestamp">When the entries were appended.</param>
/// <param name="Keep">How many of the newest entries the list keeps.</param>
public sealed record JournalAppend(JournalKind Kind, IReadOnlyList<string> Entries, DateTimeOffset Timestamp, int Keep);
