using System.Globalization;

namespace Aos.Messaging;

/// <summary>Holds one page of dead letters.</summary>
/// <param name="Items">The dead letters.</param>
/// <param name="Next">The cursor of the next page, or <see langword="null"/> on the last page; its form is the transport's own.</param>
public sealed record DeadLetterPage(IReadOnlyList<MessageRecord> Items, string? Next)
{
    /// <summary>Makes a page from up to <paramref name="limit"/> + 1 records read in order: the extra one only tells that there is a next page.</summary>
    /// <param name="records">The records read, oldest first; the list is trimmed to <paramref name="limit"/>.</param>
    /// <param name="limit">The page size.</param>
    /// <returns>The page, with the last record's sequence as the cursor when more records follow.</returns>
    public static DeadLetterPage FromOverRead(List<MessageRecord> records, int limit)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count <= limit)
        {
            return new DeadLetterPage(records, null);
        }

        records.RemoveRange(limit, records.Count - limit);
        return new DeadLetterPage(records, FormatSequence(records[^1].Sequence));
    }

    /// <summary>Writes a sequence as a cursor.</summary>
    /// <param name="sequence">The sequence of the last dead letter of a page.</param>
    /// <returns>The cursor.</returns>
    public static string FormatSequence(long sequence) => sequence.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads a cursor that is a sequence, as <see cref="FromOverRead"/> writes it.</summary>
    /// <param name="after">The cursor, or <see langword="null"/> for the first page.</param>
    /// <returns>The sequence after which the page starts; 0 for the first page.</returns>
    /// <exception cref="AosValidationException">The cursor is not one.</exception>
    public static long ParseSequence(string? after)
    {
        if (string.IsNullOrEmpty(after))
        {
            return 0;
        }

        return long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : throw InvalidCursor(after);
    }

    /// <summary>Makes the error for a cursor that is not the <see cref="Next"/> of a page.</summary>
    /// <param name="after">The cursor given.</param>
    /// <returns>The error.</returns>
    public static AosValidationException InvalidCursor(string after) =>
        new($"'after' must be the 'next' value of the previous page, as it was given; got '{after}'.") { Field = "after" };
}
