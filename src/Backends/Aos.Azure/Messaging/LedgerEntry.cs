using Aos.Messaging;

namespace Aos.Azure.Messaging;

/// <summary>Holds where one message stands for one recipient: one row of the ledger table.</summary>
/// <param name="Envelope">The message, as accepted (or as replayed, with its new expiry).</param>
/// <param name="Recipient">The recipient's agent id.</param>
/// <param name="OrderKey">The FIFO lane.</param>
/// <param name="Status">Pending, delivered or dead-lettered.</param>
/// <param name="Attempts">How many delivery attempts were made.</param>
/// <param name="DueAt">When the message may next be handed out, in Unix milliseconds.</param>
/// <param name="LastError">The error of the last failed attempt.</param>
/// <param name="Reason">Why the message was dead-lettered.</param>
/// <param name="AcceptedAt">When the transport accepted it, in Unix milliseconds.</param>
/// <param name="UpdatedAt">When its status last changed, in Unix milliseconds.</param>
/// <param name="Sequence">The transport's position for it, from the ledger's sequence row.</param>
/// <param name="ServiceBusSequence">The Service Bus sequence number of its deferred copy in the queue, or 0 while it is not known.</param>
internal sealed record LedgerEntry(
    Envelope Envelope,
    string Recipient,
    string OrderKey,
    MessageStatus Status,
    int Attempts,
    long DueAt,
    string? LastError,
    string? Reason,
    long AcceptedAt,
    long UpdatedAt,
    long Sequence,
    long ServiceBusSequence = 0)
{
    /// <summary>Gets the envelope id.</summary>
    public string MessageId => Envelope.Id;

    /// <summary>Creates the entry of a message just accepted.</summary>
    public static LedgerEntry Accepted(TransportMessage message, long sequence, long now) =>
        new(message.Envelope, message.Recipient.Value, message.OrderKey, MessageStatus.Pending, message.Attempts, now, null, null, now, now, sequence);

    /// <summary>Gets the message as the transport hands it out.</summary>
    public TransportMessage ToMessage() => new(Envelope, AgentId.Parse(Recipient), OrderKey, Attempts, Sequence);

    /// <summary>Gets the record the ledger API answers with.</summary>
    public MessageRecord ToRecord() => new(
        Envelope,
        AgentId.Parse(Recipient),
        Status,
        Attempts,
        LastError,
        Reason,
        DateTimeOffset.FromUnixTimeMilliseconds(AcceptedAt),
        DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt),
        Sequence);
}
