using Aos.Messaging;

namespace Aos.Nats.Messaging;

/// <summary>Holds where one message stands for one recipient: the value of its key in the ledger bucket.</summary>
/// <param name="MessageId">The envelope id.</param>
/// <param name="Recipient">The recipient's agent id.</param>
/// <param name="OrderKey">The FIFO lane.</param>
/// <param name="Status">Pending, delivered or dead-lettered.</param>
/// <param name="Attempts">How many delivery attempts were made.</param>
/// <param name="DueAt">When the message may next be handed out, in Unix milliseconds.</param>
/// <param name="LastError">The error of the last failed attempt.</param>
/// <param name="Reason">Why the message was dead-lettered.</param>
/// <param name="AcceptedAt">When the transport accepted it, in Unix milliseconds.</param>
/// <param name="UpdatedAt">When its status last changed, in Unix milliseconds.</param>
/// <param name="Sequence">
/// The message's sequence: its identity on this node and its place in its lane. 0 in a stored value means the revision the value was
/// written at (a new message, or a replayed one, takes the revision of that write); <see cref="NatsMessageTransport"/> resolves it on read.
/// In an entry without an <paramref name="Envelope"/> (written by an earlier version) it is the stream message that holds the envelope.
/// </param>
/// <param name="Envelope">The message itself; <see langword="null"/> in an entry written by an earlier version, whose envelope is in the stream.</param>
internal sealed record LedgerEntry(
    string MessageId,
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
    Envelope? Envelope = null);
