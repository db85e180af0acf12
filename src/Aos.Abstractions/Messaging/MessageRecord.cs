namespace Aos.Messaging;

/// <summary>Describes where one message stands for one recipient.</summary>
/// <param name="Envelope">The message.</param>
/// <param name="Recipient">The recipient.</param>
/// <param name="Status">Pending, delivered or dead-lettered.</param>
/// <param name="Attempts">How many delivery attempts were made.</param>
/// <param name="LastError">The error of the last failed attempt, if any.</param>
/// <param name="Reason">Why the message was dead-lettered, one of <see cref="DeadLetterReasons"/>.</param>
/// <param name="AcceptedAt">When the transport accepted it.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
/// <param name="Sequence">The transport's position for it.</param>
public sealed record MessageRecord(
    Envelope Envelope,
    AgentId Recipient,
    MessageStatus Status,
    int Attempts,
    string? LastError,
    string? Reason,
    DateTimeOffset AcceptedAt,
    DateTimeOffset UpdatedAt,
    long Sequence);
