using System.Text.Json;
using Aos.Messaging;

namespace Aos.Server.Contracts;

/// <summary>Describes a message posted to an agent, a topic or a broadcast.</summary>
public sealed record PostMessageRequest
{
    /// <summary>Gets the message type, for instance <c>order.created</c>; required.</summary>
    public string? Type { get; init; }

    /// <summary>Gets the JSON payload.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Gets the message id; a new one when absent. Posting the same id again is safe: it is delivered once.</summary>
    public string? Id { get; init; }

    /// <summary>Gets the priority: <c>low</c>, <c>normal</c> (the default), <c>high</c> or <c>critical</c>.</summary>
    public MessagePriority? Priority { get; init; }

    /// <summary>Gets the correlation id.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Gets the conversation the message belongs to; messages of one conversation are delivered in order.</summary>
    public string? ConversationId { get; init; }

    /// <summary>Gets where a reply should go.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>Gets who sends it; <c>api</c> when absent.</summary>
    public string? Source { get; init; }

    /// <summary>Gets free-form headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Gets how long the message lives, in milliseconds; <c>Aos:Bus:DefaultTimeToLive</c> (300 s) when absent.</summary>
    public long? TtlMs { get; init; }

    /// <summary>Gets, for a broadcast, the prefix of the agent ids that receive it; empty or absent for every agent.</summary>
    public string? Prefix { get; init; }
}
