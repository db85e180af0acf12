using System.Text.Json;
using Aos.Messaging;

namespace Aos.Server.Contracts;

/// <summary>Represents the body of <c>POST /v1/agents/{id}/events</c>.</summary>
public sealed record SendEventRequest
{
    /// <summary>Gets the event type.</summary>
    public string? Type { get; init; }

    /// <summary>Gets the payload.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Gets the priority.</summary>
    public MessagePriority? Priority { get; init; }

    /// <summary>Gets the message id, for a sender that retries; a new one is made when absent.</summary>
    public string? Id { get; init; }

    /// <summary>Gets the correlation id.</summary>
    public string? CorrelationId { get; init; }
}
