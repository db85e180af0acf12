namespace Aos.Messaging;

/// <summary>
/// Stores messages durably per recipient and hands them out for delivery in order: the provider contract of the message bus.
/// </summary>
/// <remarks>
/// <para>
/// Every transport passes the same conformance kit. A message is identified by its envelope id and recipient: enqueueing it again
/// while the transport still knows it is a <see cref="EnqueueOutcome.Duplicate"/>. <see cref="EnqueueAsync"/> returns only after
/// the accepted messages are durable.
/// </para>
/// <para>
/// <see cref="ReceiveAsync"/> hands out messages that are due, most urgent first, at most one at a time per recipient (an agent handles
/// one turn at a time, so its inbox is ordered by priority), and at most one at a time per <see cref="TransportMessage.OrderKey"/>: the next message of a lane is handed out only after the previous one is settled by
/// <see cref="CompleteAsync"/> or <see cref="DeadLetterAsync"/>. A message given back with <see cref="RetryAsync"/> keeps its lane's
/// head until it is settled, so order holds across retries. Messages handed out and not settled when the process stops are handed
/// out again after a restart (at-least-once).
/// </para>
/// </remarks>
public interface IMessageTransport
{
    /// <summary>Stores messages durably, each for its recipient, subject to the recipients' inbox capacity.</summary>
    /// <param name="messages">The messages.</param>
    /// <param name="admitOverCapacity">Whether to accept messages beyond a full inbox (for messages already promised to their sender).</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>What happened to each message, in order.</returns>
    ValueTask<IReadOnlyList<EnqueueOutcome>> EnqueueAsync(IReadOnlyList<TransportMessage> messages, bool admitOverCapacity = false, CancellationToken cancellationToken = default);

    /// <summary>Waits until messages are due and hands out up to <paramref name="maxMessages"/> deliveries.</summary>
    /// <remarks>
    /// A delivery is one message, or, when <see cref="MessageBusOptions.MaxDeliveryBatch"/> is above 1, a batch of consecutive fresh
    /// messages of one lane with the same priority; a batch's messages are consecutive in the result.
    /// </remarks>
    /// <param name="maxMessages">The most deliveries to return.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>At least one message, most urgent first.</returns>
    ValueTask<IReadOnlyList<TransportMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken = default);

    /// <summary>Marks a message delivered: its recipient has processed it durably.</summary>
    /// <param name="message">The message as it was handed out.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the new status is durable.</returns>
    ValueTask CompleteAsync(TransportMessage message, CancellationToken cancellationToken = default);

    /// <summary>Gives a message back after a failed attempt, to be handed out again after a delay.</summary>
    /// <param name="message">The message as it was handed out.</param>
    /// <param name="delay">How long to wait before the next attempt.</param>
    /// <param name="lastError">Why the attempt failed.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the attempt count and error are durable.</returns>
    ValueTask RetryAsync(TransportMessage message, TimeSpan delay, string lastError, CancellationToken cancellationToken = default);

    /// <summary>Moves a message to the dead-letter queue with the reason.</summary>
    /// <param name="message">The message as it was handed out.</param>
    /// <param name="reason">Why, one of <see cref="DeadLetterReasons"/>.</param>
    /// <param name="lastError">The last error, if any.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the dead letter is durable.</returns>
    ValueTask DeadLetterAsync(TransportMessage message, string reason, string? lastError, CancellationToken cancellationToken = default);
}
