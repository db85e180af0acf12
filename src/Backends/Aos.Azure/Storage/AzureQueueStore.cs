using System.Net;
using Aos.Azure.Resilience;
using Aos.Storage;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using AzureQueueMessage = Azure.Storage.Queues.Models.QueueMessage;
using QueueMessage = Aos.Storage.QueueMessage;

namespace Aos.Azure.Storage;

/// <summary>Keeps a queue store in one Azure Storage queue and its dead letters in a second one, both created on the first write; a receive or peek of a missing queue finds nothing and creates nothing.</summary>
/// <remarks>
/// Visibility timeouts and delays run on the service's clock, in whole seconds. Bodies travel base64-encoded, so any UTF-8 text up to
/// <see cref="StorageValues.MaxQueueBodyBytes"/> fits the service's 64 KiB message limit. Messages do not expire. Thread-safe.
/// <para>
/// Every call runs through the <c>storage:azure</c> pipeline, one SDK call per attempt. An enqueue whose first attempt took effect
/// without its answer arriving is sent again by the retry, so the message may be queued twice; a receive retried likewise leaves the
/// first attempt's messages invisible until their timeout passes. Both are within the queue's at-least-once delivery. A retried
/// completion that finds the message gone counts as done.
/// </para>
/// </remarks>
internal sealed partial class AzureQueueStore : IQueueStore, IDisposable
{
    private const string Service = "Queue Storage";
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private readonly QueueClient _queue;
    private readonly QueueClient _deadLetters;
    private readonly AzureDependency _calls;
    private readonly int _maxDequeueCount;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CreateOnce _created;
    private readonly CreateOnce _deadLettersCreated;

    /// <param name="queue">The queue, with base64 message encoding.</param>
    /// <param name="deadLetters">The dead-letter queue, without message encoding (its messages are <see cref="DeadLetter"/> text).</param>
    /// <param name="calls">The pipeline of Azure Storage calls.</param>
    /// <param name="options">The queue's options.</param>
    /// <param name="time">The clock, for a message whose insertion time the service does not report.</param>
    /// <param name="logger">The logger for dead-lettering.</param>
    public AzureQueueStore(QueueClient queue, QueueClient deadLetters, AzureDependency calls, QueueStoreOptions options, TimeProvider time, ILogger logger)
    {
        _queue = queue;
        _deadLetters = deadLetters;
        _calls = calls;
        _maxDequeueCount = options.MaxDequeueCount;
        _time = time;
        _logger = logger;
        _created = new(async ct => await _queue.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false));
        _deadLettersCreated = new(async ct => await _deadLetters.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false));
    }

    /// <summary>Gets the queue's name.</summary>
    public string QueueName => _queue.Name;

    /// <summary>Gets the dead-letter queue's name.</summary>
    public string DeadLetterQueueName => _deadLetters.Name;

    public ValueTask<string> EnqueueAsync(string body, TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateEnqueue(body, delay);
        return RunAsync(async ct =>
        {
            var visibility = delay is { } d && d > TimeSpan.Zero ? d : (TimeSpan?)null;
            var receipt = await _queue.SendMessageAsync(BinaryData.FromString(body), visibility, NeverExpires, ct).ConfigureAwait(false);
            return receipt.Value.MessageId;
        }, cancellationToken);
    }

    public ValueTask<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateReceive(maxMessages, visibilityTimeout);
        return ReadAsync(async ct =>
        {
            if (await ReceiveOrNoneAsync(_queue, maxMessages, visibilityTimeout, ct).ConfigureAwait(false) is not { } received)
            {
                return [];
            }

            var messages = new List<QueueMessage>(received.Length);
            foreach (var message in received)
            {
                if (message.DequeueCount > _maxDequeueCount)
                {
                    await DeadLetterAsync(message, ct).ConfigureAwait(false);
                    continue;
                }

                messages.Add(new QueueMessage(message.MessageId, message.Body.ToString(), (int)message.DequeueCount, message.InsertedOn ?? _time.GetUtcNow(), message.PopReceipt));
            }

            return messages;
        }, cancellationToken);
    }

    public ValueTask CompleteAsync(QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrEmpty(message.PopReceipt))
        {
            throw new AosValidationException("Only a received message can be completed: this one has no pop receipt (it was peeked).") { Field = "message" };
        }

        var tries = 0;
        return new ValueTask(RunAsync(async ct =>
        {
            var retried = tries++ > 0;
            try
            {
                await _queue.DeleteMessageAsync(message.Id, message.PopReceipt, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound && retried)
            {
                // An earlier attempt of this call failed without an answer after the service had deleted the message.
                return true;
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound || e.ErrorCode is "PopReceiptMismatch")
            {
                throw new StorageConflictException(
                    $"The queue message '{message.Id}' cannot be completed: its visibility timeout passed and it was received again, or it was completed already. Its processing may be repeated by the later receiver.",
                    e);
            }
        }, cancellationToken).AsTask());
    }

    public ValueTask<IReadOnlyList<QueueMessage>> PeekAsync(int maxMessages, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateReceive(maxMessages, null);
        return ReadAsync(async ct =>
        {
            var peeked = await PeekOrNoneAsync(_queue, maxMessages, ct).ConfigureAwait(false);
            return [.. peeked.Select(m => new QueueMessage(m.MessageId, m.Body.ToString(), (int)m.DequeueCount, m.InsertedOn ?? _time.GetUtcNow(), null))];
        }, cancellationToken);
    }

    public ValueTask<IReadOnlyList<QueueMessage>> PeekDeadLettersAsync(int maxMessages, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateReceive(maxMessages, null);
        return ReadDeadLettersAsync(async ct =>
        {
            var peeked = await PeekOrNoneAsync(_deadLetters, maxMessages, ct).ConfigureAwait(false);
            return [.. peeked.Select(m => DeadLetter.Parse(m.MessageId, m.Body.ToString(), m.InsertedOn ?? _time.GetUtcNow(), _maxDequeueCount))];
        }, cancellationToken);
    }

    /// <summary>Deletes the queue and its dead-letter queue with every message in them; the next write creates them again.</summary>
    public async ValueTask DeleteQueuesAsync(CancellationToken cancellationToken)
    {
        await _calls.RunAsync(Service, _queue.Uri, async ct => (await _queue.DeleteIfExistsAsync(ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
        await _calls.RunAsync(Service, _deadLetters.Uri, async ct => (await _deadLetters.DeleteIfExistsAsync(ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
        Forget();
    }

    /// <summary>Forgets that the queues were created, after they were deleted.</summary>
    public void Forget()
    {
        _created.Reset();
        _deadLettersCreated.Reset();
    }

    public void Dispose()
    {
        _created.Dispose();
        _deadLettersCreated.Dispose();
    }

    /// <summary>Runs a receive or a peek without creating the queue: a missing queue holds no message (404).</summary>
    private ValueTask<IReadOnlyList<QueueMessage>> ReadAsync(Func<CancellationToken, Task<IReadOnlyList<QueueMessage>>> operation, CancellationToken cancellationToken) =>
        _calls.RunAsync(Service, _queue.Uri, async ct => await operation(ct).ConfigureAwait(false), cancellationToken);

    /// <summary>Runs a receive or a peek of dead letters without creating their queue.</summary>
    private ValueTask<IReadOnlyList<QueueMessage>> ReadDeadLettersAsync(Func<CancellationToken, Task<IReadOnlyList<QueueMessage>>> operation, CancellationToken cancellationToken) =>
        _calls.RunAsync(Service, _deadLetters.Uri, async ct => await operation(ct).ConfigureAwait(false), cancellationToken);

    /// <summary>Receives from a queue; a missing queue (404 <c>QueueNotFound</c>) holds no message, and is not created by a read.</summary>
    /// <returns>The messages, or <see langword="null"/> when the queue does not exist.</returns>
    private static async Task<AzureQueueMessage[]?> ReceiveOrNoneAsync(QueueClient queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        try
        {
            return (await queue.ReceiveMessagesAsync(maxMessages, visibilityTimeout, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (IsQueueMissing(e))
        {
            return null;
        }
    }

    /// <summary>Peeks at a queue; a missing queue (404 <c>QueueNotFound</c>) holds no message, and is not created by a read.</summary>
    private static async Task<PeekedMessage[]> PeekOrNoneAsync(QueueClient queue, int maxMessages, CancellationToken cancellationToken)
    {
        try
        {
            return (await queue.PeekMessagesAsync(maxMessages, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (IsQueueMissing(e))
        {
            return [];
        }
    }

    private static bool IsQueueMissing(RequestFailedException e) => e.Status == (int)HttpStatusCode.NotFound && e.ErrorCode == "QueueNotFound";

    private ValueTask<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        _calls.RunAsync(Service, _queue.Uri, async ct =>
        {
            await _created.EnsureAsync(ct).ConfigureAwait(false);
            return await operation(ct).ConfigureAwait(false);
        }, cancellationToken);
}
