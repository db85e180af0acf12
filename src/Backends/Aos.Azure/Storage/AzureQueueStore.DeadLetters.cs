using System.Net;
using Azure;
using Microsoft.Extensions.Logging;
using AzureQueueMessage = Azure.Storage.Queues.Models.QueueMessage;

namespace Aos.Azure.Storage;

internal sealed partial class AzureQueueStore
{
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

    [LoggerMessage(1, LogLevel.Warning, "Queue message {MessageId} of {Queue} was received {DequeueCount} times without being completed; it was moved to {DeadLetterQueue}.")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, string queue, int dequeueCount, string deadLetterQueue);

    [LoggerMessage(2, LogLevel.Warning, "Queue message {MessageId} of {Queue} was dead-lettered, but another receiver took it meanwhile; it may be dead-lettered twice.")]
    private static partial void LogDeadLetterRaced(ILogger logger, string messageId, string queue, Exception exception);
}
