using System.Text.Json;

namespace Aos.Messaging;

/// <summary>
/// Carries one message between agents, or from the outside world to an agent: an event, a request or a reply.
/// </summary>
/// <remarks>
/// The envelope is the single wire format of AOS: the HTTP API, <see cref="Agents.IAgentContext"/> and the kernel all speak it.
/// The id identifies the message for its whole life; a receiver uses it to recognise a duplicate.
/// </remarks>
[GenerateSerializer, Immutable, Alias("aos.envelope")]
public sealed record Envelope
{
    /// <summary>Gets the message id, unique per message.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>Gets the message type, for instance <c>order.created</c>; handlers are chosen by it.</summary>
    [Id(1)] public required string Type { get; init; }

    /// <summary>Gets who sent the message: an agent id, or a name such as <c>http</c> for the outside world.</summary>
    [Id(2)] public string? Source { get; init; }

    /// <summary>Gets the agent the message is addressed to, when it is sent directly.</summary>
    [Id(3)] public AgentId? Target { get; init; }

    /// <summary>Gets the topic the message was published on, when it was published.</summary>
    [Id(4)] public string? Topic { get; init; }

    /// <summary>Gets the id that ties a reply to its request, or a message to the work it belongs to.</summary>
    [Id(5)] public string? CorrelationId { get; init; }

    /// <summary>Gets the conversation the message belongs to.</summary>
    [Id(6)] public string? ConversationId { get; init; }

    /// <summary>Gets where a reply should go.</summary>
    [Id(7)] public string? ReplyTo { get; init; }

    /// <summary>Gets the message's priority.</summary>
    /// <value>The default is <see cref="MessagePriority.Normal"/>.</value>
    [Id(8)] public MessagePriority Priority { get; init; } = MessagePriority.Normal;

    /// <summary>Gets when the message was created.</summary>
    [Id(9)] public DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets when the message expires, or <see langword="null"/> when it does not.</summary>
    [Id(10)] public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets free-form headers.</summary>
    [Id(11)] public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the message's JSON payload, or <see langword="null"/> when it has none.</summary>
    [Id(12)] public JsonElement? Payload { get; init; }

    /// <summary>Gets how many times delivery of this message has been attempted before.</summary>
    [Id(13)] public int Attempt { get; init; }

    /// <summary>Gets the tenant the message belongs to: its sender's. It reaches only agents of that tenant.</summary>
    /// <value>The default is <see cref="Security.AosTenants.Default"/>. The kernel stamps it from the sender; a value given by a client is overwritten.</value>
    [Id(14)] public string Tenant { get; init; } = Security.AosTenants.Default;

    /// <summary>Reads the payload as <typeparamref name="T"/>, with the web defaults of System.Text.Json (camelCase).</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="options">The serializer options; the web defaults when <see langword="null"/>.</param>
    /// <returns>The payload, or <see langword="default"/> when there is none.</returns>
    public T? GetPayload<T>(JsonSerializerOptions? options = null) =>
        Payload is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } payload
            ? payload.Deserialize<T>(options ?? JsonSerializerOptions.Web)
            : default;
}
