namespace Aos.Storage;

/// <summary>Represents one entry of an agent's journal.</summary>
/// <param name="Sequence">The entry's position in its list, increasing from 1 and never reused.</param>
/// <param name="Timestamp">When the entry was appended.</param>
/// <param name="Data">The entry, as JSON.</param>
public sealed record JournalEntry(long Sequence, DateTimeOffset Timestamp, string Data);
