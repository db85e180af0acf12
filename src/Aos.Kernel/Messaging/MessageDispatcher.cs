using Aos.Conversations;
using Aos.Kernel.Agents;
using Aos.Kernel.Diagnostics;
using Aos.Messaging;
using Aos.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Aos.Kernel.Messaging;

/// <summary>
/// Delivers the messages a transport hands out to their agents, retries failures with backoff, dead-letters what cannot be delivered,
/// and routes agents' outboxes; runs in every silo while it is active.
/// </summary>
/// <remarks>
/// A message is settled as delivered only after its agent answered that the turn that processed it is durable. A failure (the handler
/// threw on every in-turn attempt, the agent is failed or unreachable) is retried after an exponential, jittered delay until the retry
/// budget (<see cref="MessageBusOptions.MaxAttempts"/>) is spent; an expired message or an unknown recipient is dead-lettered at once.
/// </remarks>
internal sealed partial class MessageDispatcher : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(10);

    private readonly AgentGrainReferences _grains;
    private readonly IMessageTransport _transport;
    private readonly IMessageRetention? _retention;
    private readonly IConversationStore? _conversations;
    private readonly ITurnSettledTransport? _settling;
    private readonly IProcessedMessageLog _processed;
    private readonly MessageBusOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<MessageDispatcher> _logger;
    private readonly SemaphoreSlim _slots;
    private readonly SettlementSignals _signals;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _dispatchLoop = Task.CompletedTask;
    private int _inFlight;
    private ITimer? _pruneTimer;

    /// <summary>Gets how many deliveries are running now, for diagnostics.</summary>
    internal int InFlightDeliveries => Volatile.Read(ref _inFlight);

    public MessageDispatcher(
        IGrainFactory grains,
        IMessageTransport transport,
        IMessageLedger ledger,
        IProcessedMessageLog processed,
        OutboxRelay relay,
        SettlementSignals signals,
        IOptions<MessageBusOptions> options,
        TimeProvider timeProvider,
        ILogger<MessageDispatcher> logger,
        [FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage? agentStorage = null,
        IMessageRetention? retention = null,
        IConversationStore? conversations = null)
    {
        _grains = new AgentGrainReferences(grains);
        _transport = transport;
        _settling = transport is ITurnSettledTransport settling && agentStorage is IAgentTurnStore turns && settling.SettlesWith(turns) ? settling : null;
        _processed = processed;
        Relay = relay;
        _signals = signals;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _retention = retention;
        _conversations = conversations;
        _slots = new SemaphoreSlim(_options.MaxConcurrentDeliveries, _options.MaxConcurrentDeliveries);
        _ = KernelDiagnostics.Meter.CreateObservableGauge(
            "aos.bus.inbox.depth",
            () => ledger.PendingCount,
            "{message}",
            "Messages waiting in the agents' inboxes on this node, not yet processed.");
        _ = KernelDiagnostics.Meter.CreateObservableCounter(
            "aos.bus.messages.recovered",
            () => ledger.RecoveredCount,
            "{message}",
            "Messages found pending when the bus started on this node, or taken over from a lost node, and handed out again: in flight or waiting when their node stopped.");
    }

    public OutboxRelay Relay { get; }

    /// <summary>Occurs after a message is settled and counted in the bus's metrics: <c>delivered</c>, <c>retry</c>, or the dead-letter reason. For tests and diagnostics.</summary>
    internal event Action<TransportMessage, string>? Settled;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(MessageDispatcher), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public void Dispose()
    {
        // The slots are not disposed: a delivery still finishing after the silo stopped releases its slot into them.
        _pruneTimer?.Dispose();
        _stopping.Dispose();
    }

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _dispatchLoop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        Relay.Start(_stopping.Token);
        _pruneTimer = _timeProvider.CreateTimer(_ => _ = PruneAsync(), null, PruneInterval, PruneInterval);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_dispatchLoop, Relay.Completion).WaitAsync(cancellationToken);

            // Deliveries already handed to agents finish and settle before the silo goes (they hold their slots until then).
            if (Volatile.Read(ref _inFlight) > 0)
            {
                await _drained.Task.WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: messages in flight are handed out again after the restart.
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(cancellationToken);
                var free = _slots.CurrentCount + 1;
                IReadOnlyList<TransportMessage> received;
                try
                {
                    received = await _transport.ReceiveAsync(free, cancellationToken);
                }
                finally
                {
                    _slots.Release();
                }

                // A transport hands out an agent's batch as consecutive messages: each batch is one delivery, one slot.
                for (var start = 0; start < received.Count;)
                {
                    var end = start + 1;
                    while (end < received.Count && received[end].Recipient == received[start].Recipient)
                    {
                        end++;
                    }

                    var batch = new TransportMessage[end - start];
                    for (var i = 0; i < batch.Length; i++)
                    {
                        batch[i] = received[start + i];
                    }

                    await _slots.WaitAsync(cancellationToken);
                    _ = DeliverAndReleaseAsync(batch);
                    start = end;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.DispatcherFailed(_logger, FailureBackoff, ex);
                await Task.Delay(FailureBackoff, _timeProvider, CancellationToken.None);
            }
        }
    }

    private async Task DeliverAndReleaseAsync(TransportMessage[] messages)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await DeliverAsync(messages);
        }
        finally
        {
            _slots.Release();
            if (Interlocked.Decrement(ref _inFlight) == 0 && _stopping.IsCancellationRequested)
            {
                _drained.TrySetResult();
            }
        }
    }

    private async Task DeliverAsync(TransportMessage[] messages)
    {
        var recipient = messages[0].Recipient.Value;
        List<TransportMessage>? kept = null;
        for (var i = 0; i < messages.Length; i++)
        {
            var message = messages[i];
            if (message.Envelope.ExpiresAt is { } expiresAt && expiresAt <= _timeProvider.GetUtcNow())
            {
                kept ??= [.. messages.AsSpan(0, i)];
                await SettleAsync(message, DeadLetterReasons.Expired, $"The message expired at {expiresAt:O} before it could be processed.");
            }
            else
            {
                kept?.Add(message);
            }
        }

        IReadOnlyList<TransportMessage> live = kept ?? (IReadOnlyList<TransportMessage>)messages;
        if (live.Count == 0)
        {
            return;
        }

        DeliveryResult[]? results = null;
        string? failure = null;
        try
        {
            var grain = _grains.Get(recipient);
            results = live.Count == 1
                ? [await grain.ProcessAsync(WithAttempt(live[0]), _settling?.ReceiptFor(live[0]))]
                : await grain.ProcessBatchAsync(
                    [.. live.Select(WithAttempt)],
                    _settling is null ? null : [.. live.Select(_settling.ReceiptFor)]);
        }
        catch (AgentNotFoundException)
        {
            foreach (var message in live)
            {
                await SettleAsync(message, DeadLetterReasons.TargetNotFound, $"No agent '{recipient}' is registered.");
            }

            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            failure = ex is AosException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
        }

        if (live.Count == 1)
        {
            await SettleByResultAsync(live[0], results?[0], failure);
            return;
        }

        // Settled together, so that a batch's delivered marks share one group commit.
        var settling = new Task[live.Count];
        for (var i = 0; i < settling.Length; i++)
        {
            settling[i] = SettleByResultAsync(live[i], results?[i], failure);
        }

        await Task.WhenAll(settling);
    }

    /// <summary>Settles one message of a delivery by what its turn returned, or by the error of a delivery that got no results.</summary>
    private Task SettleByResultAsync(TransportMessage message, DeliveryResult? result, string? failure)
    {
        if (result is null)
        {
            return SettleAsync(message, null, failure);
        }

        var error = result.Outcome is HistoryOutcome.Failed or HistoryOutcome.NotKept or HistoryOutcome.Refused ? result.Error ?? "The handler failed." : null;
        return result.Settled && _settling is not null ? SettledInTurn(message)
            : result.Outcome == HistoryOutcome.Refused ? SettleAsync(message, DeadLetterReasons.TargetNotFound, error)
            : SettleAsync(message, null, error, result.Outcome == HistoryOutcome.NotKept);
    }

    private static Envelope WithAttempt(TransportMessage message) =>
        message.Envelope.Attempt == message.Attempts ? message.Envelope : message.Envelope with { Attempt = message.Attempts };

    /// <summary>Finishes a delivery whose delivered mark the recipient's turn committed: nothing is left to write.</summary>
    private Task SettledInTurn(TransportMessage message)
    {
        try
        {
            _settling!.Settled(message);
            Delivered(message);
        }
        finally
        {
            _signals.Signal(message.Envelope.Id);
        }

        return Task.CompletedTask;
    }

    private void Delivered(TransportMessage message)
    {
        KernelDiagnostics.MessagesDelivered.Add(1);
        if (message.Envelope.Timestamp != default)
        {
            KernelDiagnostics.MessageLatency.Record((_timeProvider.GetUtcNow() - message.Envelope.Timestamp).TotalSeconds);
        }

        Settled?.Invoke(message, "delivered");
    }

    /// <summary>Settles one delivery: delivered (no error), dead-lettered (a reason), or retried later unless its retry budget is spent.</summary>
    /// <remarks>A message <paramref name="notKept"/> (rolled back with a failed batch, not itself at fault) is never dead-lettered for it: it is given back at once, to be delivered on its own.</remarks>
    private async Task SettleAsync(TransportMessage message, string? deadLetterReason, string? error, bool notKept = false)
    {
        var envelope = message.Envelope;
        try
        {
            if (deadLetterReason is not null)
            {
                await DeadLetterAsync(message, deadLetterReason, error);
                return;
            }

            if (error is null)
            {
                await _transport.CompleteAsync(message);
                Delivered(message);
                return;
            }

            var attempts = message.Attempts + 1;
            if (attempts >= _options.MaxAttempts && !notKept)
            {
                await DeadLetterAsync(message with { Attempts = attempts }, DeadLetterReasons.MaxAttempts, error);
                return;
            }

            var delay = notKept ? TimeSpan.Zero : RetryBackoff.Delay(attempts, _options.RetryBaseDelay, _options.MaxRetryDelay, Random.Shared.NextDouble());
            Log.DeliveryFailed(_logger, envelope.Id, message.Recipient.Value, attempts, error, delay);
            await _transport.RetryAsync(message, delay, error);
            KernelDiagnostics.MessagesRedelivered.Add(1);
            Settled?.Invoke(message, "retry");
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            Log.SettleFailed(_logger, envelope.Id, message.Recipient.Value, ex);
        }
        finally
        {
            _signals.Signal(envelope.Id);
        }
    }

    private async Task DeadLetterAsync(TransportMessage message, string reason, string? error)
    {
        await _transport.DeadLetterAsync(message, reason, error);
        KernelDiagnostics.MessagesDeadLettered.Add(1, new KeyValuePair<string, object?>("aos.reason", reason));
        Log.DeadLettered(_logger, message.Envelope.Id, message.Recipient.Value, reason, error);
        Settled?.Invoke(message, reason);
    }

    private async Task PruneAsync()
    {
        try
        {
            var before = _timeProvider.GetUtcNow() - _options.DeduplicationWindow;
            await _processed.PruneAsync(before, _stopping.Token);
            if (_retention is not null)
            {
                await _retention.PruneDeliveredAsync(before, _stopping.Token);
                if (_options.DeadLetterRetention is { } retention)
                {
                    var deadBefore = _timeProvider.GetUtcNow() - retention;
                    if (await _retention.PruneDeadLettersAsync(deadBefore, _stopping.Token) is > 0 and var removed)
                    {
                        KernelDiagnostics.DeadLettersRemoved.Add(removed, new KeyValuePair<string, object?>("aos.reason", "retention"));
                        Log.DeadLettersPruned(_logger, removed, deadBefore, retention);
                    }
                }
            }

            if (_conversations is not null && _options.ConversationRetention is { } kept)
            {
                var idleBefore = _timeProvider.GetUtcNow() - kept;
                if (await _conversations.PruneAsync(idleBefore, _stopping.Token) is > 0 and var forgotten)
                {
                    KernelDiagnostics.ConversationsForgotten.Add(forgotten);
                    Log.ConversationsPruned(_logger, forgotten, idleBefore, kept);
                }
            }
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            Log.PruneFailed(_logger, ex);
        }
        catch (OperationCanceledException)
        {
            // The silo is stopping; the next start prunes.
        }
    }
}
