using System.Text.Json;
using Aos.Messaging;

namespace Aos.Agents;

/// <summary>Provides conveniences over <see cref="IAgentContext"/> for building and sending messages.</summary>
public static class AgentContextExtensions
{
    /// <summary>Gets the agent's id.</summary>
    /// <param name="context">The agent's context.</param>
    /// <returns>The id.</returns>
    public static AgentId AgentId(this IAgentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Descriptor.Id;
    }

    /// <summary>Creates a message from this agent, stamped with a new id and the current time.</summary>
    /// <param name="context">The agent's context.</param>
    /// <param name="type">The message type.</param>
    /// <param name="payload">The payload, serialized with the web defaults of System.Text.Json.</param>
    /// <returns>The message.</returns>
    public static Envelope CreateMessage(this IAgentContext context, string type, object? payload = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Envelope
        {
            Id = MessageIds.New(context.TimeProvider.GetUtcNow()),
            Type = type,
            Source = context.Descriptor.Id.Value,
            Timestamp = context.TimeProvider.GetUtcNow(),
            CorrelationId = context.CurrentMessage?.CorrelationId,
            ConversationId = context.CurrentMessage?.ConversationId,
            Payload = payload is null ? null : JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web),
        };
    }

    /// <summary>Sends an event to another agent once the current turn is durable.</summary>
    /// <param name="context">The agent's context.</param>
    /// <param name="target">The receiving agent.</param>
    /// <param name="type">The event type.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the message is queued.</returns>
    public static ValueTask SendAsync(this IAgentContext context, AgentId target, string type, object? payload = null, CancellationToken cancellationToken = default) =>
        context.SendAsync(context.CreateMessage(type, payload) with { Target = target }, cancellationToken);

    /// <summary>Publishes an event on a topic once the current turn is durable.</summary>
    /// <param name="context">The agent's context.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="type">The event type.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the message is queued.</returns>
    public static ValueTask PublishAsync(this IAgentContext context, string topic, string type, object? payload = null, CancellationToken cancellationToken = default) =>
        context.PublishAsync(context.CreateMessage(type, payload) with { Topic = topic }, cancellationToken);

    /// <summary>Sends a request to another agent and reads its reply as <typeparamref name="TReply"/>.</summary>
    /// <typeparam name="TReply">The reply type.</typeparam>
    /// <param name="context">The agent's context.</param>
    /// <param name="target">The receiving agent.</param>
    /// <param name="type">The request type.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="timeout">How long to wait; 30 seconds when <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The reply.</returns>
    public static async ValueTask<TReply?> RequestAsync<TReply>(this IAgentContext context, AgentId target, string type, object? payload = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await context.RequestAsync(context.CreateMessage(type, payload) with { Target = target }, timeout ?? TimeSpan.FromSeconds(30), cancellationToken);
        return reply is { } element ? element.Deserialize<TReply>(JsonSerializerOptions.Web) : default;
    }
}
