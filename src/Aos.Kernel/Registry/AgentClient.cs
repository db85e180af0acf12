using System.Runtime.InteropServices;
using System.Text.Json;
using Aos.Kernel.Agents;
using Aos.Messaging;
using Microsoft.Extensions.Options;

namespace Aos.Kernel.Registry;

/// <summary>
/// Sends events and requests to agents from outside the kernel (the HTTP API, the CLI, a user's host).
/// </summary>
/// <remarks>
/// An event is acknowledged only after the agent's new state is durable. A request that misses its deadline raises
/// <see cref="AgentTimeoutException"/> with the message id; the agent still handles it and records it. Thread-safe.
/// </remarks>
public sealed class AgentClient
{
    private readonly AgentGrainReferences _grains;
    private readonly TimeProvider _timeProvider;
    private readonly KernelOptions _options;

    /// <summary>Initializes a new instance of the <see cref="AgentClient"/> class.</summary>
    /// <param name="grains">The grain factory.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="options">The kernel options.</param>
    public AgentClient(IGrainFactory grains, TimeProvider timeProvider, IOptions<KernelOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _grains = new AgentGrainReferences(grains);
        _timeProvider = timeProvider;
        _options = options.Value;
    }

    /// <summary>Creates a message from the outside world, with a new id unless one is given.</summary>
    /// <param name="type">The message type.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="source">Who sends it.</param>
    /// <param name="id">The message id, or <see langword="null"/> for a new one.</param>
    /// <returns>The message.</returns>
    public Envelope CreateMessage(string type, JsonElement? payload, string source = "api", string? id = null)
    {
        var now = _timeProvider.GetUtcNow();
        return new Envelope
        {
            Id = string.IsNullOrWhiteSpace(id) ? MessageIds.New(now) : id,
            Type = type,
            Source = source,
            Timestamp = now,
            Payload = payload,
        };
    }

    /// <summary>Delivers an event to an agent and waits until its handling is durable.</summary>
    /// <param name="target">The agent.</param>
    /// <param name="message">The event.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How the event was handled.</returns>
    /// <exception cref="AosValidationException">The message is invalid or too large.</exception>
    /// <exception cref="AgentNotFoundException">The agent is not registered.</exception>
    public Task<DeliveryResult> SendAsync(AgentId target, Envelope message, CancellationToken cancellationToken = default)
    {
        Validate(message);
        return _grains.Get(target.Value).DeliverAsync(message with { Target = target }).WaitAsync(cancellationToken);
    }

    /// <summary>Delivers a request to an agent and waits for its reply.</summary>
    /// <param name="target">The agent.</param>
    /// <param name="request">The request.</param>
    /// <param name="timeout">How long to wait; <see cref="KernelOptions.DefaultRequestTimeout"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The reply payload.</returns>
    /// <exception cref="AgentTimeoutException">The reply did not arrive in time; the request is still handled.</exception>
    public async Task<JsonElement?> RequestAsync(AgentId target, Envelope request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Validate(request);
        var deadline = timeout ?? _options.DefaultRequestTimeout;
        if (deadline <= TimeSpan.Zero)
        {
            throw new AosValidationException("A request's timeout must be greater than zero.") { Field = "timeoutMs" };
        }

        var call = _grains.Get(target.Value).RequestAsync(Messaging.MessageBus.WithTraceContext(request with { Target = target }));
        try
        {
            return await call.WaitAsync(deadline, _timeProvider, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            AgentGrain.CountLateReply(call);
            throw new AgentTimeoutException($"Agent '{target}' did not reply to '{request.Type}' within {deadline.TotalMilliseconds:0} ms. The request ({request.Id}) is not lost: the agent still handles it and records it in its history.", ex)
            {
                MessageId = request.Id,
            };
        }
    }

    private void Validate(Envelope message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(message.Type))
        {
            throw new AosValidationException("A message needs a type, for instance 'order.created'.") { Field = "type" };
        }

        if (message.Type.Length > 256)
        {
            throw new AosValidationException("A message type must be at most 256 characters.") { Field = "type" };
        }

        if (message.Id.Length > 256)
        {
            throw new AosValidationException("A message id must be at most 256 characters.") { Field = "id" };
        }

        if (message.Payload is { } payload && JsonMarshal.GetRawUtf8Value(payload).Length is var size && size > _options.MaxPayloadBytes)
        {
            throw new AosValidationException($"The payload is {size} bytes; the limit is {_options.MaxPayloadBytes} bytes (Aos:Kernel:MaxPayloadBytes).")
            {
                Field = "payload",
                TooLarge = true,
            };
        }
    }
}
