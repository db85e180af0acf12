using System.Text.Json;
using Aos.Messaging;

namespace Aos.Agents;

/// <summary>
/// Gives an agent its system calls: messaging, its own state and context, goals, decisions and wake-ups.
/// </summary>
/// <remarks>
/// The context belongs to one agent and is used from that agent's turns only. Messages sent, published or broadcast during a
/// turn are written to the outbox in the same transaction as the turn's state and leave through the durable message bus once it
/// commits, so a failed turn sends nothing and a committed one loses nothing; wake-ups scheduled or cancelled in a turn take effect
/// once it is durable too. A request is a call made during the turn: it waits for the reply.
/// </remarks>
public interface IAgentContext
{
    /// <summary>Gets the agent's descriptor.</summary>
    AgentDescriptor Descriptor { get; }

    /// <summary>Gets the message of the current turn, or <see langword="null"/> outside a message turn.</summary>
    Envelope? CurrentMessage { get; }

    /// <summary>Gets the clock agents must use.</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>Gets the agent's context store: key/value entries, counters, memory and history.</summary>
    IAgentContextStore Store { get; }

    /// <summary>Gets the agent's goals.</summary>
    IAgentGoals Goals { get; }

    /// <summary>Gets the agent's own part of the node's named stores: blobs, tables, queues and documents.</summary>
    /// <remarks>
    /// Storage calls take effect when they complete, not when the turn commits: a turn that fails afterwards does not undo them, so
    /// write them idempotently (a conditional put, a key derived from the message id).
    /// </remarks>
    /// <exception cref="InvalidOperationException">The host has no storage service (only in hosts that leave it out).</exception>
    Aos.Storage.IAgentStorage Storage { get; }

    /// <summary>Records a decision with its rationale.</summary>
    /// <param name="decision">The decision.</param>
    void RecordDecision(DecisionRecord decision);

    /// <summary>Sends a message to the agent named by <see cref="Envelope.Target"/> once the current turn is durable.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the message is queued.</returns>
    ValueTask SendAsync(Envelope message, CancellationToken cancellationToken = default);

    /// <summary>Publishes a message on <see cref="Envelope.Topic"/> to every subscriber once the current turn is durable.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the message is queued.</returns>
    ValueTask PublishAsync(Envelope message, CancellationToken cancellationToken = default);

    /// <summary>Sends a message to every agent whose id starts with <paramref name="idPrefix"/>, but this one, once the current turn is durable.</summary>
    /// <param name="message">The message.</param>
    /// <param name="idPrefix">The agent-id prefix; empty for every agent.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the message is queued.</returns>
    ValueTask BroadcastAsync(Envelope message, string idPrefix, CancellationToken cancellationToken = default);

    /// <summary>Subscribes the agent to a topic pattern (<c>*</c> matches one segment, <c>&gt;</c> the rest), durably and at once.</summary>
    /// <param name="pattern">The topic pattern.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when added; <see langword="false"/> when the agent already had it.</returns>
    ValueTask<bool> SubscribeAsync(string pattern, CancellationToken cancellationToken = default);

    /// <summary>Removes one of the agent's topic subscriptions, durably and at once.</summary>
    /// <param name="pattern">The topic pattern, as it was added.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when removed; <see langword="false"/> when the agent did not have it.</returns>
    ValueTask<bool> UnsubscribeAsync(string pattern, CancellationToken cancellationToken = default);

    /// <summary>Sends a request to the agent named by <see cref="Envelope.Target"/> and waits for its reply.</summary>
    /// <param name="request">The request.</param>
    /// <param name="timeout">How long to wait for the reply.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The reply payload.</returns>
    /// <exception cref="AgentTimeoutException">The reply did not arrive in time.</exception>
    ValueTask<JsonElement?> RequestAsync(Envelope request, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Schedules a durable wake-up: the agent is woken (from sleep, or after a restart) and its <c>OnWakeUpAsync</c> runs.</summary>
    /// <param name="name">The wake-up's name; scheduling a name again replaces it.</param>
    /// <param name="dueTime">When the first wake-up is due.</param>
    /// <param name="period">How often it repeats, or <see langword="null"/> for once.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the wake-up is durable.</returns>
    ValueTask ScheduleWakeUpAsync(string name, TimeSpan dueTime, TimeSpan? period = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels a scheduled wake-up.</summary>
    /// <param name="name">The wake-up's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the cancellation is durable.</returns>
    ValueTask CancelWakeUpAsync(string name, CancellationToken cancellationToken = default);
}
