using System.Text.Json;

namespace Aos.Agents;

/// <summary>Represents how an agent handled a message: whether a handler took it, and the reply to a request.</summary>
/// <param name="Handled">Whether a handler took the message.</param>
/// <param name="Payload">The reply payload, for a request.</param>
public readonly record struct AgentReply(bool Handled, JsonElement? Payload)
{
    /// <summary>Gets the result for a message no handler took.</summary>
    public static AgentReply Unhandled => new(false, null);

    /// <summary>Creates the result for a handled message with a reply.</summary>
    /// <param name="payload">The reply, serialized with the web defaults of System.Text.Json.</param>
    /// <returns>The result.</returns>
    public static AgentReply From(object? payload) =>
        new(true, payload is null ? null : JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web));
}
