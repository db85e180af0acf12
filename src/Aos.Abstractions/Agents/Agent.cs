using System.Text.Json;
using Aos.Messaging;

namespace Aos.Agents;

/// <summary>
/// Serves as the base class of every agent: typed handlers for events and requests, and a context for system calls.
/// </summary>
/// <remarks>
/// <para>
/// AOS creates an instance when the agent wakes and drops it when the agent sleeps; anything that must outlive a
/// sleep belongs in <see cref="Agent{TState}.State"/> or the <see cref="IAgentContext.Store"/>, which are durable.
/// Turns are single-threaded: no two handlers of one agent run at once.
/// </para>
/// <para>
/// Register handlers in the constructor with <see cref="On{TEvent}"/> and <see cref="OnRequest{TRequest, TReply}"/>.
/// A handler that throws is retried; its changes to state are discarded before each retry.
/// </para>
/// </remarks>
public abstract class Agent
{
    private readonly Dictionary<string, Func<Envelope, CancellationToken, ValueTask<JsonElement?>>> _handlers = new(StringComparer.Ordinal);
    private IAgentContext? _context;

    /// <summary>Gets the agent's system calls.</summary>
    /// <exception cref="InvalidOperationException">The agent is not attached to a runtime yet (in its constructor).</exception>
    protected IAgentContext Context =>
        _context ?? throw new InvalidOperationException("The agent's context is available from OnActivateAsync on, not in the constructor.");

    /// <summary>Gets the message types this agent has handlers for.</summary>
    public IReadOnlyCollection<string> HandledTypes => _handlers.Keys;

    /// <summary>Registers a handler for events of a type.</summary>
    /// <typeparam name="TEvent">The payload type; <see cref="Envelope"/> for the whole message, <see cref="JsonElement"/> for the raw payload.</typeparam>
    /// <param name="type">The event type.</param>
    /// <param name="handler">The handler.</param>
    protected void On<TEvent>(string type, Func<TEvent, CancellationToken, ValueTask> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[type] = async (message, cancellationToken) =>
        {
            await handler(ReadPayload<TEvent>(message), cancellationToken);
            return null;
        };
    }

    /// <summary>Registers a handler for requests of a type; its result is the reply.</summary>
    /// <typeparam name="TRequest">The payload type; <see cref="Envelope"/> for the whole message, <see cref="JsonElement"/> for the raw payload.</typeparam>
    /// <typeparam name="TReply">The reply type, serialized with the web defaults of System.Text.Json.</typeparam>
    /// <param name="type">The request type.</param>
    /// <param name="handler">The handler.</param>
    protected void OnRequest<TRequest, TReply>(string type, Func<TRequest, CancellationToken, ValueTask<TReply>> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[type] = async (message, cancellationToken) =>
        {
            var reply = await handler(ReadPayload<TRequest>(message), cancellationToken);
            return reply is null ? null : JsonSerializer.SerializeToElement(reply, JsonSerializerOptions.Web);
        };
    }

    /// <summary>Runs when the agent wakes, after its state is loaded and before its first turn.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the agent is ready.</returns>
    protected virtual ValueTask OnActivateAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Runs when a wake-up scheduled with <see cref="IAgentContext.ScheduleWakeUpAsync"/> is due.</summary>
    /// <param name="name">The wake-up's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the turn is done.</returns>
    protected virtual ValueTask OnWakeUpAsync(string name, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Handles a message no registered handler takes.</summary>
    /// <remarks>The default ignores an event (it is still recorded in the history) and refuses a request.</remarks>
    /// <param name="message">The message.</param>
    /// <param name="isRequest">Whether the sender waits for a reply.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The reply, for a request.</returns>
    protected virtual ValueTask<AgentReply> OnUnhandledAsync(Envelope message, bool isRequest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!isRequest)
        {
            return ValueTask.FromResult(AgentReply.Unhandled);
        }

        var handled = _handlers.Count == 0 ? "none" : string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal));
        throw new AosValidationException($"Agent '{Context.Descriptor.Id}' of type '{Context.Descriptor.Type}' has no handler for requests of type '{message.Type}'. It handles: {handled}.")
        {
            Field = "type",
        };
    }

    /// <summary>Writes the agent's own state for persistence; the default has none.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The state as JSON, or <see langword="null"/> when there is none.</returns>
    protected virtual ValueTask<JsonElement?> SaveStateAsync(CancellationToken cancellationToken) => ValueTask.FromResult<JsonElement?>(null);

    /// <summary>Restores the agent's own state, as last saved by <see cref="SaveStateAsync"/>.</summary>
    /// <param name="state">The saved state, or <see langword="null"/> for a new agent.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the state is restored.</returns>
    protected virtual ValueTask LoadStateAsync(JsonElement? state, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    internal void Attach(IAgentContext context) => _context = context;

    internal async ValueTask<AgentReply> HandleAsync(Envelope message, bool isRequest, CancellationToken cancellationToken)
    {
        if (_handlers.TryGetValue(message.Type, out var handler))
        {
            return new AgentReply(true, await handler(message, cancellationToken));
        }

        return await OnUnhandledAsync(message, isRequest, cancellationToken);
    }

    internal ValueTask ActivateAsync(CancellationToken cancellationToken) => OnActivateAsync(cancellationToken);

    internal ValueTask WakeUpAsync(string name, CancellationToken cancellationToken) => OnWakeUpAsync(name, cancellationToken);

    internal ValueTask<JsonElement?> SaveAsync(CancellationToken cancellationToken) => SaveStateAsync(cancellationToken);

    internal ValueTask LoadAsync(JsonElement? state, CancellationToken cancellationToken) => LoadStateAsync(state, cancellationToken);

    private static T ReadPayload<T>(Envelope message)
    {
        if (typeof(T) == typeof(Envelope))
        {
            return (T)(object)message;
        }

        if (typeof(T) == typeof(JsonElement))
        {
            return (T)(object)(message.Payload ?? default);
        }

        try
        {
            return message.GetPayload<T>()!;
        }
        catch (JsonException ex)
        {
            throw new AosValidationException($"The payload of '{message.Type}' is not a valid {typeof(T).Name}: {ex.Message}", ex) { Field = "payload" };
        }
    }
}
