namespace Aos.Storage;

/// <summary>
/// Keeps a durable work queue: one queue of a storage backend, with delayed messages, visibility timeouts and a dead-letter queue.
/// </summary>
/// <remarks>
/// <para>
/// Every backend passes the same conformance kit. A received message is hidden for its visibility timeout; the receiver completes it
/// with <see cref="CompleteAsync"/> (using the <see cref="QueueMessage.PopReceipt"/> of that receipt), or it becomes visible again when
/// the timeout passes and is received again with a higher <see cref="QueueMessage.DequeueCount"/> (at-least-once). A message that was
/// received <see cref="QueueStoreOptions.MaxDequeueCount"/> times without being completed is moved to the dead-letter queue instead of
/// being handed out again, where <see cref="PeekDeadLettersAsync"/> shows it. Dead letters are dealt with like the queue's own messages:
/// <see cref="ReceiveDeadLettersAsync"/> hides them for a while and gives each a pop receipt, with which
/// <see cref="RequeueDeadLetterAsync"/> puts one back in the queue with a fresh receive budget, or <see cref="DeleteDeadLetterAsync"/>
/// removes it for good. Nothing else removes a dead letter.
/// </para>
/// <para>Messages are handed out roughly in the order they became visible; no strict order is promised. Thread-safe.</para>
/// </remarks>
public interface IQueueStore
{
    /// <summary>Adds a message, visible at once or after a delay.</summary>
    /// <param name="body">The message body, at most 48 KiB of UTF-8 text.</param>
    /// <param name="delay">How long the message stays hidden; <see langword="null"/> or zero for none; at most 7 days.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The message's id.</returns>
    ValueTask<string> EnqueueAsync(string body, TimeSpan? delay = null, CancellationToken cancellationToken = default);

    /// <summary>Receives up to <paramref name="maxMessages"/> visible messages and hides them for <paramref name="visibilityTimeout"/>.</summary>
    /// <param name="maxMessages">The most messages to receive, 1 to 32.</param>
    /// <param name="visibilityTimeout">How long the received messages stay hidden, 1 second to 7 days.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The messages; empty when none is visible (the call does not wait).</returns>
    ValueTask<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    /// <summary>Deletes a received message: its processing is done.</summary>
    /// <param name="message">The message as received.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the deletion is durable.</returns>
    /// <exception cref="StorageConflictException">The message's visibility timeout passed and it was received again (its pop receipt is stale), or it is gone.</exception>
    ValueTask CompleteAsync(QueueMessage message, CancellationToken cancellationToken = default);

    /// <summary>Reads up to <paramref name="maxMessages"/> visible messages without receiving them.</summary>
    /// <param name="maxMessages">The most messages to read, 1 to 32.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The messages, without pop receipts.</returns>
    ValueTask<IReadOnlyList<QueueMessage>> PeekAsync(int maxMessages, CancellationToken cancellationToken = default);

    /// <summary>Reads up to <paramref name="maxMessages"/> messages of the dead-letter queue, without hiding them; one received and not yet settled is hidden from it, as a received message is from <see cref="PeekAsync"/>.</summary>
    /// <param name="maxMessages">The most messages to read, 1 to 32.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The dead-lettered messages, without pop receipts, with the dequeue count they had.</returns>
    ValueTask<IReadOnlyList<QueueMessage>> PeekDeadLettersAsync(int maxMessages, CancellationToken cancellationToken = default);

    /// <summary>Receives up to <paramref name="maxMessages"/> dead letters, oldest first, and hides them for <paramref name="visibilityTimeout"/>.</summary>
    /// <remarks>A dead letter received and then neither requeued nor deleted is a dead letter again once the timeout passed; receiving one does not count.</remarks>
    /// <param name="maxMessages">The most dead letters to receive, 1 to 32.</param>
    /// <param name="visibilityTimeout">How long the received dead letters stay hidden, 1 second to 7 days.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The dead letters, each with a pop receipt and the dequeue count it had; empty when there is none.</returns>
    ValueTask<IReadOnlyList<QueueMessage>> ReceiveDeadLettersAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    /// <summary>Puts a received dead letter back in the queue, visible at once and with its dequeue count back at zero.</summary>
    /// <param name="deadLetter">The dead letter as received by <see cref="ReceiveDeadLettersAsync"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The message's id in the queue (on some backends a new one).</returns>
    /// <exception cref="AosValidationException">The message has no pop receipt (it was peeked).</exception>
    /// <exception cref="StorageConflictException">The receipt is stale: the dead letter was received again after its timeout, or requeued or deleted already. Nothing was changed.</exception>
    ValueTask<string> RequeueDeadLetterAsync(QueueMessage deadLetter, CancellationToken cancellationToken = default);

    /// <summary>Deletes a received dead letter for good.</summary>
    /// <param name="deadLetter">The dead letter as received by <see cref="ReceiveDeadLettersAsync"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the deletion is durable.</returns>
    /// <exception cref="AosValidationException">The message has no pop receipt (it was peeked).</exception>
    /// <exception cref="StorageConflictException">The receipt is stale: the dead letter was received again after its timeout, or requeued or deleted already. Nothing was changed.</exception>
    ValueTask DeleteDeadLetterAsync(QueueMessage deadLetter, CancellationToken cancellationToken = default);
}
