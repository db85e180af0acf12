using Aos.Azure.Resilience;
using Aos.Messaging;
using Aos.Reliability;
using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aos.Azure.Messaging;

/// <summary>
/// Stores the messages of the bus in an Azure Service Bus queue, keeps their status in Azure Table Storage, and hands them out in
/// process, in order, through a delivery scheduler.
/// </summary>
/// <remarks>
/// <para>
/// <b>Durability.</b> Accepting a message creates its row in the ledger table (status, attempts, due time, last error, reason,
/// sequence and the envelope; see <c>TableMessageLedger</c>) and then sends a copy of the envelope to the queue;
/// <see cref="EnqueueAsync"/> returns after both. When the send fails the row is removed again and the call throws. A receive loop
/// defers each copy (Service Bus keeps a deferred message until it is received by its sequence number) and records the copy's Service
/// Bus sequence number in the row; settling the message completes the copy. The bus's dead letters are rows of the ledger, not
/// messages of the queue's dead-letter sub-queue, which receives only what Service Bus itself gives up on, and queue messages that no
/// AOS transport sent. Every settlement returns after its ledger write. Operator views, replay and restart recovery read the ledger
/// only, so a message stays deliverable when its queue copy is lost.
/// </para>
/// <para>
/// <b>Duplicates.</b> A message is accepted only by creating its row, which Table Storage does atomically (a second
/// <c>AddEntity</c> conflicts): a second message with the same id and recipient is a <see cref="EnqueueOutcome.Duplicate"/> for as
/// long as the ledger keeps the first (pending, dead-lettered, or delivered until <see cref="PruneDeliveredAsync"/> removes it), not
/// only within Service Bus's duplicate-detection window. Each copy carries a message id made of the row key and sequence, so a send
/// retried after a lost acknowledgement is dropped by Service Bus duplicate detection (on a queue that has it on).
/// </para>
/// <para>
/// <b>Order, priority, retries, capacity.</b> Pending messages are ordered in memory by a delivery scheduler: one in-flight message per
/// <see cref="TransportMessage.OrderKey"/> lane, lane heads most urgent first and then by sequence, retries due on the injected
/// <see cref="TimeProvider"/>, and inbox accounting per recipient that sheds a less urgent waiting message (dead-lettered with
/// <see cref="DeadLetterReasons.Shed"/>) or refuses the new one. Service Bus sessions, scheduled messages and delivery counts are not
/// used for any of this.
/// </para>
/// <para>
/// <b>Restart.</b> On start the transport reads every pending row, and each one (including those in flight when the process stopped)
/// is handed out again, with its attempt count, at its due time: at-least-once. Copies still active in the queue are deferred by the
/// receive loop; copies of messages that are no longer pending are completed. A copy deferred but not yet recorded in the ledger when
/// the process stopped, or whose removal failed, stays in the queue until the queue's message time to live.
/// </para>
/// <para>
/// <b>Several nodes.</b> The ledger table is consistent for every writer (ETag-conditioned updates), but ordering, inbox capacity,
/// in-flight tracking and the receive loop belong to one transport instance, which learns only of the messages it enqueued itself or
/// loaded at start, and completes queue messages it does not know. Exactly one running instance may use a queue and a table: two
/// instances on one queue would remove each other's copies, and two on one table would each hand out the other's pending messages after
/// a restart. Give each node its own queue and table; a node's pending messages are then delivered only when that node (or a
/// replacement with its queue and table) runs, and de-duplication holds per node, not across nodes. A batch is not atomic: when
/// <see cref="EnqueueAsync"/> fails part-way, the messages before the failure are stored, and enqueueing the batch again reports them
/// as duplicates. This transport has no emulator on the project's CI: its ledger is tested against Azurite, the transport as a whole
/// only against a real namespace. All members are thread-safe.
/// </para>
/// <para>
/// <b>Failures.</b> Sends, settlements and the creation of the queue run through the reliability service's <c>transport:servicebus</c>
/// pipeline (retry of transient failures as the SDK marks them, circuit breaker, attempt timeout), one SDK call per attempt; the Service
/// Bus client's own retries are off. The receive loop's long polls are not in the pipeline (their 30-second wait would meet the attempt
/// timeout); the loop logs a failure and polls again after a second. The ledger's Table Storage client keeps the SDK's own retries (three,
/// exponential), because its conditional updates already re-read on a changed ETag. What still fails after the retries, or is refused by
/// the open circuit, throws <see cref="DependencyUnavailableException"/> naming <c>transport:servicebus</c>.
/// </para>
/// </remarks>
public sealed partial class ServiceBusMessageTransport : IMessageTransport, IMessageLedger, IMessageRetention, IAsyncDisposable
{
    private const string ShedError = "The recipient's inbox was full and a more urgent message took this one's place.";

    private readonly ServiceBusMessageTransportOptions _azureOptions;
    private readonly MessageBusOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ServiceBusClient _client;
    private readonly DependencyPipelines _pipelines;
    private readonly DependencyPipelines? _ownPipelines;
    private readonly ServiceBusSender _sender;
    private readonly ServiceBusReceiver _receiver;
    private readonly TableMessageLedger _ledger;
    private readonly DeliveryScheduler _scheduler;
    private readonly QueueCopies _copies = new();
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task _receiveLoop = Task.CompletedTask;
    private volatile bool _started;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="ServiceBusMessageTransport"/> class; it connects on first use.</summary>
    /// <param name="azureOptions">The Service Bus namespace and queue, and the storage account and table of the ledger.</param>
    /// <param name="options">The bus options: inbox capacity.</param>
    /// <param name="timeProvider">The clock of retry delays and status times.</param>
    /// <param name="logger">The logger, or <see langword="null"/> for none.</param>
    /// <param name="pipelines">
    /// The reliability service's pipelines, whose <c>transport:servicebus</c> pipeline retries and breaks (it needs the <see cref="AzureErrorClassifier"/>
    /// registered to know Service Bus errors); <see langword="null"/> for the transport's own, on the default options and the system clock.
    /// </param>
    /// <exception cref="AosValidationException">The options are not valid; the message names the option.</exception>
    public ServiceBusMessageTransport(ServiceBusMessageTransportOptions azureOptions, MessageBusOptions options, TimeProvider timeProvider, ILogger<ServiceBusMessageTransport>? logger = null, DependencyPipelines? pipelines = null)
    {
        ArgumentNullException.ThrowIfNull(azureOptions);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (azureOptions.Validate().FirstOrDefault() is { } problem)
        {
            throw new AosValidationException(problem) { Field = ServiceBusMessageTransportOptions.SectionName };
        }

        _azureOptions = azureOptions;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger<ServiceBusMessageTransport>.Instance;
        _ownPipelines = pipelines is null ? DependencyPipelines.Create(TimeProvider.System, null, AzureErrorClassifier.Instance) : null;
        _pipelines = pipelines ?? _ownPipelines!;

        // The transport:servicebus pipeline is the one retry policy of Service Bus calls.
        _client = new ServiceBusClient(azureOptions.ServiceBusConnectionString, new ServiceBusClientOptions { RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0 } });
        _sender = _client.CreateSender(azureOptions.QueueName);
        _receiver = _client.CreateReceiver(azureOptions.QueueName, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock });
        _ledger = new TableMessageLedger(new TableClient(azureOptions.TableConnectionString, azureOptions.TableName));
        _scheduler = new DeliveryScheduler(timeProvider, options.MaxDeliveryBatch);
    }

    /// <summary>Gets the name of the queue that holds the messages.</summary>
    public string QueueName => _azureOptions.QueueName;

    /// <summary>Gets the name of the table that holds the ledger.</summary>
    public string TableName => _azureOptions.TableName;

    /// <inheritdoc />
    public int PendingCount => _scheduler.Count;

    /// <inheritdoc />
    public long RecoveredCount => _scheduler.Recovered;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<EnqueueOutcome>> EnqueueAsync(IReadOnlyList<TransportMessage> messages, bool admitOverCapacity = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message);
        }

        await StartAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        return await _scheduler.EnqueueEachAsync(
            messages,
            _options.InboxCapacity,
            admitOverCapacity,
            async (message, ct) => (await AcceptAsync(message, now, ct).ConfigureAwait(false))?.ToMessage(),
            (victim, ct) => SettleAsync(victim, MessageStatus.DeadLettered, victim.Attempts, now, DeadLetterReasons.Shed, ShedError, ct),
            now,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TransportMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        return await _scheduler.ReceiveAsync(maxMessages, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(TransportMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            await SettleAsync(message, MessageStatus.Delivered, message.Attempts + 1, now, null, null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Even when the write fails the agent's inbox goes on; the ledger entry stays pending and is handed out again after a restart.
            _scheduler.Remove(message.Sequence);
        }
    }

    /// <inheritdoc />
    public async ValueTask RetryAsync(TransportMessage message, TimeSpan delay, string lastError, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var due = now + (long)Math.Max(0, delay.TotalMilliseconds);
        var attempts = message.Attempts + 1;
        try
        {
            await _ledger.UpdatePendingAsync(
                message.Envelope.Id,
                message.Recipient.Value,
                message.Sequence,
                entry => entry with { Attempts = attempts, DueAt = due, LastError = lastError, UpdatedAt = now },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Even when the write fails the message goes back to be handed out again, so its agent's inbox does not stall.
            _scheduler.Retry(message.Sequence, attempts, due);
        }
    }

    /// <inheritdoc />
    public async ValueTask DeadLetterAsync(TransportMessage message, string reason, string? lastError, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            await SettleAsync(message, MessageStatus.DeadLettered, message.Attempts, now, reason, lastError, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Even when the write fails the agent's inbox goes on; the ledger entry stays pending and is handed out again after a restart.
            _scheduler.Remove(message.Sequence);
        }
    }

    /// <inheritdoc />
    public int GetInboxDepth(AgentId recipient) => _scheduler.Depth(recipient.Value);

    /// <summary>Stops the receive loop and the scheduler's timer and closes the connection; the queue and the table stay.</summary>
    /// <remarks>Disposing twice does nothing more.</remarks>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _receiveLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _scheduler.Dispose();
        await _client.DisposeAsync().ConfigureAwait(false);
        _ledger.Dispose();
        _startLock.Dispose();
        _stopping.Dispose();
        _ownPipelines?.Dispose();
    }

    private async ValueTask SettleAsync(TransportMessage message, MessageStatus status, int attempts, long now, string? reason, string? lastError, CancellationToken cancellationToken)
    {
        var id = message.Envelope.Id;
        var recipient = message.Recipient.Value;
        if (status == MessageStatus.DeadLettered)
        {
            await _ledger.DeadLetterAsync(id, recipient, message.Sequence, attempts, reason!, lastError, now, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _ledger.UpdatePendingAsync(id, recipient, message.Sequence, entry => entry with { Status = status, Attempts = attempts, UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
        }

        // Also when the row was no longer pending at this sequence: then the copy is stale either way.
        await RemoveCopyAsync(message.Sequence, cancellationToken).ConfigureAwait(false);
    }
}
