using System.Text.Json;

namespace Aos.Agents;

/// <summary>Records one event or request an agent handled, and how it ended.</summary>
public sealed record HistoryEntry
{
    /// <summary>Gets the message id.</summary>
    public required string MessageId { get; init; }

    /// <summary>Gets the message type.</summary>
    public required string Type { get; init; }

    /// <summary>Gets who sent the message.</summary>
    public string? Source { get; init; }

    /// <summary>Gets how handling ended: <c>handled</c>, <c>unhandled</c> or <c>failed</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>Gets why handling failed, when it did.</summary>
    public string? Error { get; init; }

    /// <summary>Gets how many attempts handling took.</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>Gets the payload, when it is small enough to keep in the history.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Gets when handling ended.</summary>
    public DateTimeOffset Timestamp { get; init; }
}
