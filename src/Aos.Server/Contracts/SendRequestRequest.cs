using System.Text.Json;

namespace Aos.Server.Contracts;

/// <summary>Represents the body of <c>POST /v1/agents/{id}/requests</c>.</summary>
public sealed record SendRequestRequest
{
    /// <summary>Gets the request type.</summary>
    public string? Type { get; init; }

    /// <summary>Gets the payload.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Gets how long to wait for the reply, in milliseconds.</summary>
    public int? TimeoutMs { get; init; }

    /// <summary>Gets the message id; a new one is made when absent.</summary>
    public string? Id { get; init; }
}
