namespace Aos.Messaging;

/// <summary>Holds one page of dead letters, oldest first.</summary>
/// <param name="Items">The dead letters.</param>
/// <param name="Next">The cursor of the next page, or <see langword="null"/> on the last page.</param>
public sealed record DeadLetterPage(IReadOnlyList<MessageRecord> Items, long? Next)
{
    /// <summary>Makes a page from up to <paramref name="limit"/> + 1 records read in order: the extra one only tells that there is a next page.</summary>
    /// <param name="records">The records read, oldest first; the list is trimmed to <paramref name="limit"/>.</param>
    /// <param name="limit">The page size.</param>
    /// <returns>The page, with a cursor when more records follow.</returns>
    public static DeadLetterPage FromOverRead(List<MessageRecord> records, int limit)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count <= limit)
        {
            return new DeadLetterPage(records, null);
        }

        records.RemoveRange(limit, records.Count - limit);
        return new DeadLetterPage(records, records[^1].Sequence);
    }
}
