using System.Net;
using Aos.Storage;
using Azure;
using Microsoft.Extensions.Logging;
using AzureQueueMessage = Azure.Storage.Queues.Models.QueueMessage;
using QueueMessage = Aos.Storage.QueueMessage;

namespace Aos.Azure.Storage;

internal sealed partial class AzureQueueStore
{
    /// <summary>How long a dead letter being requeued stays hidden: long enough for the send and the delete that follow.</summary>
    private static readonly TimeSpan RequeueHold = TimeSpan.FromSeconds(30);

    /// <summary>Moves a message received once too often to the dead-letter queue: sends a copy with the count it had, then deletes the original.</summary>
    /// <remarks>
    /// The copy is sent first, so a failure in between leaves the message in both queues rather than in neither; if the original's
    /// receipt went stale meanwhile, another receiver moved it too, and one copy too many stays dead-lettered.
    /// </remarks>
    private async Task DeadLetterAsync(AzureQueueMessage message, CancellationToken cancellationToken)
    {
        var count = (int)message.DequeueCount - 1;
        var body = message.Body.ToString();
        await _deadLettersCreated.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await _deadLetters.SendMessageAsync(DeadLetter.Format(body, count), null, NeverExpires, cancellationToken).ConfigureAwait(false);
        try
        {
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound || e.ErrorCode is "PopReceiptMismatch")
        {
            LogDeadLetterRaced(_logger, message.MessageId, _queue.Name, e);
            return;
        }

        LogDeadLettered(_logger, message.MessageId, _queue.Name, count, _deadLetters.Name);
    }

    public ValueTask<IReadOnlyList<QueueMessage>> ReceiveDeadLettersAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateReceive(maxMessages, visibilityTimeout);
        return ReadDeadLettersAsync(async ct =>
        {
            var received = await ReceiveOrNoneAsync(_deadLetters, maxMessages, visibilityTimeout, ct).ConfigureAwait(false) ?? [];
            return [.. received.Select(m => DeadLetter.Parse(m.MessageId, m.Body.ToString(), m.InsertedOn ?? _time.GetUtcNow(), _maxDequeueCount) with { PopReceipt = m.PopReceipt })];
        }, cancellationToken);
    }

    /// <remarks>
    /// Three calls: the dead letter is hidden again with its receipt (which checks the receipt; a stale one changes nothing), its body is
    /// sent to the queue as a new message, then the dead letter is deleted. A failure after the send leaves a copy dead-lettered, never
    /// neither. The body sent is the received one's.
    /// </remarks>
    public async ValueTask<string> RequeueDeadLetterAsync(QueueMessage deadLetter, CancellationToken cancellationToken = default)
    {
        var receipt = StorageValues.ValidateDeadLetterReceipt(deadLetter, "requeued");
        var held = await RunOnDeadLettersAsync(async ct =>
        {
            try
            {
                return (await _deadLetters.UpdateMessageAsync(deadLetter.Id, receipt, visibilityTimeout: RequeueHold, cancellationToken: ct).ConfigureAwait(false)).Value.PopReceipt;
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound || e.ErrorCode is "PopReceiptMismatch")
            {
                // Also when a retry follows an attempt that took effect unseen: the dead letter is then hidden for a while, and stays.
                throw StaleDeadLetter(deadLetter, "requeued", e);
            }
        }, cancellationToken).ConfigureAwait(false);
        var id = await EnqueueAsync(deadLetter.Body, null, cancellationToken).ConfigureAwait(false);
        await DeleteHeldAsync(deadLetter.Id, held, cancellationToken).ConfigureAwait(false);
        return id;
    }

    public async ValueTask DeleteDeadLetterAsync(QueueMessage deadLetter, CancellationToken cancellationToken = default)
    {
        var receipt = StorageValues.ValidateDeadLetterReceipt(deadLetter, "deleted");
        var tries = 0;
        await RunOnDeadLettersAsync(async ct =>
        {
            var retried = tries++ > 0;
            try
            {
                await _deadLetters.DeleteMessageAsync(deadLetter.Id, receipt, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound && retried)
            {
                // An earlier attempt of this call failed without an answer after the service had deleted it.
                return true;
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound || e.ErrorCode is "PopReceiptMismatch")
            {
                throw StaleDeadLetter(deadLetter, "deleted", e);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a dead letter this store holds hidden, after requeueing it; a retry that finds it gone counts as done.</summary>
    private async Task DeleteHeldAsync(string id, string receipt, CancellationToken cancellationToken)
    {
        var tries = 0;
        await RunOnDeadLettersAsync(async ct =>
        {
            var retried = tries++ > 0;
            try
            {
                await _deadLetters.DeleteMessageAsync(id, receipt, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound && retried)
            {
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<T> RunOnDeadLettersAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        _calls.RunAsync(Service, _deadLetters.Uri, async ct =>
        {
            await _deadLettersCreated.EnsureAsync(ct).ConfigureAwait(false);
            return await operation(ct).ConfigureAwait(false);
        }, cancellationToken);

    private static StorageConflictException StaleDeadLetter(QueueMessage deadLetter, string action, Exception inner) => new(
        $"The dead letter '{deadLetter.Id}' cannot be {action} with this receipt: it was received again after its visibility timeout, or requeued or deleted already. Receive it again to act on it.",
        inner);

    [LoggerMessage(1, LogLevel.Warning, "Queue message {MessageId} of {Queue} was received {DequeueCount} times without being completed; it was moved to {DeadLetterQueue}.")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, string queue, int dequeueCount, string deadLetterQueue);

    [LoggerMessage(2, LogLevel.Warning, "Queue message {MessageId} of {Queue} was dead-lettered, but another receiver took it meanwhile; it may be dead-lettered twice.")]
    private static partial void LogDeadLetterRaced(ILogger logger, string messageId, string queue, Exception exception);
}
