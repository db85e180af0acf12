using System.Text.Json;
using Aos.Messaging;

namespace Aos.Server.Contracts;

/// <summary>Tells the sender which recipients now hold the message durably.</summary>
/// <param name="Id">The message id.</param>
/// <param name="Recipients">The agents the message was accepted for.</param>
/// <param name="Duplicates">The agents that already had a message with this id.</param>
public sealed record PostMessageResponse(string Id, IReadOnlyList<string> Recipients, IReadOnlyList<string> Duplicates);

/// <summary>Describes a message and where it stands for each recipient.</summary>
/// <param name="Id">The message id.</param>
/// <param name="Type">The message type.</param>
/// <param name="Source">Who sent it.</param>
/// <param name="Topic">The topic it was published on.</param>
/// <param name="ConversationId">Its conversation.</param>
/// <param name="Priority">Its priority.</param>
/// <param name="ExpiresAt">When it expires.</param>
/// <param name="Status"><c>dead-lettered</c> if any delivery is, else <c>pending</c> if any is, else <c>delivered</c>.</param>
/// <param name="Deliveries">One entry per recipient.</param>
/// <param name="Payload">The payload.</param>
public sealed record MessageView(
    string Id,
    string Type,
    string? Source,
    string? Topic,
    string? ConversationId,
    MessagePriority Priority,
    DateTimeOffset? ExpiresAt,
    string Status,
    IReadOnlyList<DeliveryView> Deliveries,
    JsonElement? Payload)
{
    internal static MessageView From(IReadOnlyList<MessageRecord> records)
    {
        var envelope = records[0].Envelope;
        var status = records.Any(r => r.Status == MessageStatus.DeadLettered) ? MessageStatus.DeadLettered
            : records.Any(r => r.Status == MessageStatus.Pending) ? MessageStatus.Pending
            : MessageStatus.Delivered;
        return new MessageView(
            envelope.Id,
            envelope.Type,
            envelope.Source,
            envelope.Topic,
            envelope.ConversationId,
            envelope.Priority,
            envelope.ExpiresAt,
            DeliveryView.Name(status),
            [.. records.Select(DeliveryView.From)],
            envelope.Payload);
    }
}

/// <summary>Describes a message's delivery to one recipient.</summary>
/// <param name="Recipient">The agent.</param>
/// <param name="Status"><c>pending</c>, <c>delivered</c> or <c>dead-lettered</c>.</param>
/// <param name="Attempts">How many delivery attempts were made.</param>
/// <param name="LastError">The last attempt's error.</param>
/// <param name="Reason">Why it was dead-lettered.</param>
/// <param name="AcceptedAt">When it was accepted.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
public sealed record DeliveryView(string Recipient, string Status, int Attempts, string? LastError, string? Reason, DateTimeOffset AcceptedAt, DateTimeOffset UpdatedAt)
{
    internal static string Name(MessageStatus status) => status switch
    {
        MessageStatus.Pending => "pending",
        MessageStatus.Delivered => "delivered",
        _ => "dead-lettered",
    };

    internal static DeliveryView From(MessageRecord record) =>
        new(record.Recipient.Value, Name(record.Status), record.Attempts, record.LastError, record.Reason, record.AcceptedAt, record.UpdatedAt);
}

/// <summary>Describes one dead letter.</summary>
/// <param name="Id">The message id.</param>
/// <param name="Type">The message type.</param>
/// <param name="Recipient">The agent it was for.</param>
/// <param name="Reason">Why it was dead-lettered.</param>
/// <param name="LastError">The last attempt's error.</param>
/// <param name="Attempts">How many delivery attempts were made.</param>
/// <param name="DeadLetteredAt">When it was dead-lettered.</param>
public sealed record DeadLetterView(string Id, string Type, string Recipient, string? Reason, string? LastError, int Attempts, DateTimeOffset DeadLetteredAt)
{
    internal static DeadLetterView From(MessageRecord record) =>
        new(record.Envelope.Id, record.Envelope.Type, record.Recipient.Value, record.Reason, record.LastError, record.Attempts, record.UpdatedAt);
}

/// <summary>Holds one page of dead letters.</summary>
/// <param name="Items">The dead letters, oldest first.</param>
/// <param name="Next">The cursor of the next page (pass it as <c>after</c>), or <see langword="null"/>.</param>
public sealed record DeadLetterListResponse(IReadOnlyList<DeadLetterView> Items, string? Next);

/// <summary>Tells how many dead letters of a message were replayed.</summary>
/// <param name="Id">The message id.</param>
/// <param name="Replayed">How many deliveries went back to their inboxes.</param>
public sealed record ReplayResponse(string Id, int Replayed);

/// <summary>Tells how many dead letters of a message were discarded.</summary>
/// <param name="Id">The message id.</param>
/// <param name="Discarded">How many dead letters were removed for good.</param>
public sealed record DiscardResponse(string Id, int Discarded);

/// <summary>Sets the roles that must sign off a conversation.</summary>
/// <param name="Roles">The roles.</param>
public sealed record RequiredRolesRequest(IReadOnlyList<string>? Roles);

/// <summary>Signs off a conversation in a role.</summary>
/// <param name="Role">The role.</param>
/// <param name="By">Who signs: always the caller; when given it must name the caller.</param>
public sealed record SignOffRequest(string? Role, string? By);

/// <summary>Adds a topic subscription to an agent.</summary>
/// <param name="Pattern">The topic pattern: <c>*</c> matches one segment, <c>&gt;</c> the rest.</param>
public sealed record SubscriptionRequest(string? Pattern);
