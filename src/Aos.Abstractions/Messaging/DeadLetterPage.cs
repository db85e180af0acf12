namespace Aos.Messaging;

/// <summary>Holds one page of dead letters, oldest first.</summary>
/// <param name="Items">The dead letters.</param>
/// <param name="Next">The cursor of the next page, or <see langword="null"/> on the last page.</param>
public sealed record DeadLetterPage(IReadOnlyList<MessageRecord> Items, long? Next);
