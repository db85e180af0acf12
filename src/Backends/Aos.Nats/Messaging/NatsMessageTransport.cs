using Aos.Messaging;
using Aos.Nats.Resilience;
using Aos.Reliability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Aos.Nats.Messaging;

/// <summary>
/// Stores the messages of the bus in NATS JetStream and hands them out in process, in order, through a delivery scheduler.
/// </summary>
/// <remarks>
/// <para>
/// <b>Durability.</b> Each accepted message is one entry of the key-value bucket <c>{prefix}_LEDGER</c> (file storage), under
/// <c>m.{sha256(id)}.{sha256(recipient)}</c>: the envelope, status, attempts, next due time, last error and dead-letter reason. Accepting a
/// message is one write, the create of its entry; <see cref="EnqueueAsync"/> returns after JetStream acknowledged it, and every settlement
/// returns after its update is acknowledged. The revision of the create is the message's <see cref="TransportMessage.Sequence"/> (a replay
/// gives it a new one). Dead letters are indexed under <c>d.{sequence}</c> for listing, oldest first.
/// </para>
/// <para>
/// <b>Earlier versions</b> kept each envelope in the stream <c>{prefix}_MESSAGES</c>, with the stream sequence in the entry. This version
/// does not create that stream, and reads it where one exists: on start every such entry of this node is rewritten to hold its envelope and
/// its stream message is removed, and entries of that form read from another node (status reads, take-overs) take their envelope from that
/// node's stream.
/// </para>
/// <para>
/// <b>Duplicates.</b> A message is accepted only by creating its ledger key, which JetStream does atomically: a second message with the
/// same id and recipient is a <see cref="EnqueueOutcome.Duplicate"/> for as long as the ledger keeps the first (pending, dead-lettered,
/// or delivered until <see cref="PruneDeliveredAsync"/> removes it).
/// </para>
/// <para>
/// <b>Order, priority, retries, capacity.</b> Pending messages are ordered in memory by a delivery scheduler: one in-flight message per
/// <see cref="TransportMessage.OrderKey"/> lane, lane heads most urgent first and then by sequence, retries due on the injected
/// <see cref="TimeProvider"/>, and inbox accounting per recipient that sheds a less urgent waiting message (dead-lettered with
/// <see cref="DeadLetterReasons.Shed"/>) or refuses the new one.
/// </para>
/// <para>
/// <b>Restart.</b> On start the transport reads the ledger, and every pending entry (including those in flight when the process
/// stopped) is handed out again, with its attempt count, at its due time: at-least-once.
/// </para>
/// <para>
/// <b>Several nodes.</b> The server side (bucket, duplicate detection, ledger) is shared and consistent, but ordering, inbox
/// capacity and in-flight tracking are in the memory of one transport instance, which learns only of the messages it enqueued itself,
/// loaded at start or took over. Exactly one running instance may use a prefix: give each node its own. Nodes of one
/// <see cref="NatsMessageTransportOptions.Cluster"/> hold leases and take over the messages of a node lost for good (see
/// <see cref="RenewAndAdoptAsync"/>), and a status read finds a message through any of them; without a cluster, a node's pending
/// messages are delivered only when that node (or a replacement with its prefix) runs. A batch is not atomic: when
/// <see cref="EnqueueAsync"/> fails part-way, the messages before the failure are stored, and enqueueing the batch again reports them as
/// duplicates. All members are thread-safe.
/// </para>
/// <para>
/// <b>Failures.</b> Every call to the server runs through the reliability service's <c>transport:nats</c> pipeline (retry of transient
/// failures, circuit breaker, attempt timeout; <see cref="NatsErrorClassifier"/> sorts NATS.Net's errors), one call per attempt. A call
/// that is one request is bounded by NATS.Net's request timeout, which is set to the dependency's <see cref="DependencyOptions.AttemptTimeout"/>
/// (NATS.Net's default of 5 s when that is zero), and the pipeline adds no timer of its own; set-up and watches over keys are bounded by
/// the pipeline. Retrying
/// is safe call by call: reads repeat, puts write the same value again; conditional key-value writes are not retried blindly: a create or update repeated after its first attempt took effect
/// unseen fails its condition, and the transport then reads the entry and recognises its own write (an enqueue is still accepted; a
/// settlement's change, which sets values rather than adding to them, is applied once). What still fails after the retries, or is refused
/// by the open circuit, throws <see cref="DependencyUnavailableException"/> naming <c>transport:nats</c>.
/// </para>
/// </remarks>
public sealed partial class NatsMessageTransport : IMessageTransport, IMessageLedger, IMessageRetention, IAsyncDisposable
{
    private const string ShedError = "The recipient's inbox was full and a more urgent message took this one's place.";

    private readonly NatsMessageTransportOptions _natsOptions;
    private readonly MessageBusOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly NatsConnection _connection;
    private readonly DeliveryScheduler _scheduler;
    private readonly SemaphoreSlim _startLock = new(1, 1);

    // The ledger entry of each pending message as this node last wrote or read it, with its revision: a settlement updates it in one
    // conditional write instead of a read and a write. A stale one (someone else wrote since) fails the condition and is read anew.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (LedgerEntry Entry, ulong Revision)> _known = new(StringComparer.Ordinal);
    private readonly string _target;
    private NatsJSContext _jetStream = null!;
    private INatsJSStream? _stream;
    private INatsKVStore _ledger = null!;
    private volatile bool _started;

    /// <summary>Initializes a new instance of the <see cref="NatsMessageTransport"/> class; it connects on first use.</summary>
    /// <param name="natsOptions">The server and the names of the stream and bucket.</param>
    /// <param name="options">The bus options: inbox capacity.</param>
    /// <param name="timeProvider">The clock of retry delays and status times.</param>
    /// <param name="logger">The logger, or <see langword="null"/> for none.</param>
    /// <param name="pipelines">
    /// The reliability service's pipelines, whose <c>transport:nats</c> pipeline retries and breaks (it needs the <see cref="NatsErrorClassifier"/>
    /// registered to know NATS.Net's errors); <see langword="null"/> for the transport's own, on the default options and the system clock.
    /// </param>
    /// <exception cref="AosValidationException">The NATS options are not valid; the message names the option.</exception>
    public NatsMessageTransport(NatsMessageTransportOptions natsOptions, MessageBusOptions options, TimeProvider timeProvider, ILogger<NatsMessageTransport>? logger = null, DependencyPipelines? pipelines = null)
    {
        ArgumentNullException.ThrowIfNull(natsOptions);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (natsOptions.Validate().FirstOrDefault() is { } problem)
        {
            throw new AosValidationException(problem) { Field = NatsMessageTransportOptions.SectionName };
        }

        _natsOptions = natsOptions;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger<NatsMessageTransport>.Instance;

        _scheduler = new DeliveryScheduler(timeProvider, options.MaxDeliveryBatch);
        _deliveredReadWholeAt = _deadLettersReadWholeAt = timeProvider.GetTimestamp();
        _target = "NATS at " + natsOptions.Url;
        StreamName = natsOptions.StreamPrefix + "_MESSAGES";
        BucketName = natsOptions.StreamPrefix + "_LEDGER";

        // Retry delays and breaks run on the system clock when the transport has its own pipelines: the injected clock schedules deliveries,
        // and a test clock that never moves must not stall a retry.
        _ownPipelines = pipelines is null ? DependencyPipelines.Create(TimeProvider.System, null, NatsErrorClassifier.Instance) : null;
        _pipelines = pipelines ?? _ownPipelines!;

        // Each request is bounded by the client, on the dependency's attempt timeout; without one, NATS.Net's default (5 s) stays.
        var attemptTimeout = _pipelines.GetOptions(Dependency).AttemptTimeout;
        _connection = new NatsConnection(NatsOpts.Default with
        {
            Url = natsOptions.Url,
            Name = natsOptions.ClientName,
            RequestTimeout = attemptTimeout > TimeSpan.Zero ? attemptTimeout : NatsOpts.Default.RequestTimeout,
        });
    }

    /// <summary>Gets the name of the JetStream stream that held the envelopes in earlier versions; read where it exists, never created.</summary>
    public string StreamName { get; }

    /// <summary>Gets the name of the key-value bucket that holds the status of each message.</summary>
    public string BucketName { get; }

    /// <inheritdoc />
    public int PendingCount => _scheduler.Count;

    /// <inheritdoc />
    public long RecoveredCount => _scheduler.Recovered;

    /// <summary>Gets how long the client waits for the answer to one request: the attempt timeout of <c>transport:nats</c>.</summary>
    internal TimeSpan RequestTimeout => _connection.Opts.RequestTimeout;

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
            async (message, ct) => await AppendAsync(message, now, ct).ConfigureAwait(false) is var sequence and not 0 ? message with { Sequence = sequence } : null,
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
            await UpdateEntryAsync(
                message,
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

    /// <summary>Stops the scheduler's timer and closes the connection; the stream and bucket stay on the server.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        _scheduler.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
        _startLock.Dispose();
        _adoptLock.Dispose();
        _ownPipelines?.Dispose();
    }

    private ValueTask SettleAsync(TransportMessage message, MessageStatus status, int attempts, long now, string? reason, string? lastError, CancellationToken cancellationToken) =>
        status == MessageStatus.DeadLettered
            ? DeadLetterEntryAsync(message, attempts, now, reason!, lastError, cancellationToken)
            : UpdateEntryAsync(message, entry => entry with { Status = status, Attempts = attempts, UpdatedAt = now }, cancellationToken);

    private async ValueTask DeadLetterEntryAsync(TransportMessage message, int attempts, long now, string reason, string? lastError, CancellationToken cancellationToken)
    {
        // The index entry goes first: listing skips an index entry whose ledger entry is not dead-lettered at that sequence, so a crash
        // between the two writes leaves nothing visible.
        var key = KeyOf(message.Envelope.Id, message.Recipient.Value);
        await CallAsync(ct => _ledger.PutAsync(DeadLetterKey(message.Sequence), key, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        await UpdateEntryAsync(
            message,
            entry => entry with { Status = MessageStatus.DeadLettered, Attempts = attempts, Reason = reason, LastError = lastError ?? entry.LastError, UpdatedAt = now },
            cancellationToken).ConfigureAwait(false);
    }
}
