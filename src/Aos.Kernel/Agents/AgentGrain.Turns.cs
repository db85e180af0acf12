using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Aos.Agents;
using Aos.Kernel.Diagnostics;
using Aos.Kernel.Messaging;
using Aos.Messaging;
using Aos.Storage;
using Microsoft.Extensions.Logging;

namespace Aos.Kernel.Agents;

internal sealed partial class AgentGrain
{
    private bool _wakePending = true;
    private bool _needsRestore;

    public async Task<DeliveryResult> DeliverAsync(Envelope message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfUnavailable();
        ThrowIfForeign(message);
        if (await IsDuplicateAsync(message))
        {
            return new DeliveryResult(message.Id, HistoryOutcome.Duplicate);
        }

        var (outcome, _, error) = await RunTurnAsync(message, TurnKind.Event, receipt: null);
        return new DeliveryResult(message.Id, outcome, error is null ? null : Describe(error));
    }

    public async Task<DeliveryResult> ProcessAsync(Envelope message, DeliveryReceipt? receipt)
    {
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfUnavailable();
        ThrowIfForeign(message);
        receipt = CanSettle ? receipt : null;
        if (await IsDuplicateAsync(message, receipt))
        {
            return new DeliveryResult(message.Id, HistoryOutcome.Duplicate);
        }

        if (IsFiltered(message))
        {
            return new DeliveryResult(message.Id, HistoryOutcome.Filtered);
        }

        var (outcome, _, error) = await RunTurnAsync(message, TurnKind.BusEvent, receipt);
        return new DeliveryResult(message.Id, outcome, error is null ? null : Describe(error), Settled: receipt is not null && outcome != HistoryOutcome.Failed);
    }

    /// <summary>Gets whether this agent's turns can settle deliveries: its grain storage commits a turn in one transaction.</summary>
    private bool CanSettle => _storage is IAgentTurnStore;

    /// <summary>
    /// Checks the processed-message log, unless the message comes with a receipt that says it is unprocessed: a message that settles in
    /// the turn stays pending exactly until the turn that processes it commits.
    /// </summary>
    private ValueTask<bool> IsDuplicateAsync(Envelope message, DeliveryReceipt? receipt) =>
        receipt is { MayBeProcessed: false } ? ValueTask.FromResult(false) : IsDuplicateAsync(message);

    private async ValueTask<bool> IsDuplicateAsync(Envelope message)
    {
        if (!await _processed.ContainsAsync(_id, message.Id))
        {
            return false;
        }

        KernelDiagnostics.MessagesDeduplicated.Add(1, new KeyValuePair<string, object?>("aos.agent.type", _descriptor!.Type));
        return true;
    }

    /// <summary>Tells whether a message comes from another tenant than the agent's: to its sender, the agent does not exist.</summary>
    private bool IsForeign(Envelope message) => !string.Equals(message.Tenant, _descriptor!.Tenant, StringComparison.Ordinal);

    private void ThrowIfForeign(Envelope message)
    {
        if (IsForeign(message))
        {
            throw new AgentNotFoundException(_id.Value);
        }
    }

    private bool IsFiltered(Envelope message)
    {
        var fanOut = message.Topic is not null || message.Headers.ContainsKey(MessageBus.BroadcastHeader);
        return fanOut && !AgentDescriptor.Takes(_descriptor!.MessageTypes, message.Type);
    }

    public async Task<JsonElement?> RequestAsync(Envelope request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfUnavailable();
        ThrowIfForeign(request);
        var (_, reply, error) = await RunTurnAsync(request, TurnKind.Request, receipt: null);
        return error switch
        {
            null => reply,
            AosException aos when aos is not TurnTimeoutException => throw aos,
            _ => throw new AosException($"Agent '{_id}' failed to handle request '{request.Type}' ({request.Id}): {Describe(error)}"),
        };
    }

    private async Task<(string Outcome, JsonElement? Reply, Exception? Error)> RunTurnAsync(Envelope message, TurnKind kind, DeliveryReceipt? receipt)
    {
        ThrowIfUnavailable();
        var agentType = _descriptor!.Type;
        var started = _timeProvider.GetTimestamp();
        using var activity = StartTurnActivity(message);

        if (_needsRestore)
        {
            await RestoreAsync(recreateAgent: false);
        }

        var outcome = await _turnRunner.RunAsync(
            async (attempt, cancellationToken) =>
            {
                if (attempt > 1)
                {
                    await RestoreAsync(recreateAgent: _agent is null);
                }

                _context!.BeginTurn(message);
                return kind == TurnKind.WakeUp
                    ? await WakeAgentAsync(message, cancellationToken)
                    : await _agent!.HandleAsync(message, kind == TurnKind.Request || message.ReplyTo is not null, cancellationToken);
            },
            (attempt, exception) =>
            {
                KernelDiagnostics.HandlerFailures.Add(1, new KeyValuePair<string, object?>("aos.agent.type", agentType));
                Log.HandlerAttemptFailed(_logger, _id.Value, attempt, message.Id, message.Type, exception);
                if (exception is TurnTimeoutException)
                {
                    // The cut handler may still be running: cut it off from the agent's state and drop its instance.
                    _context!.Detach();
                    _agent = null;
                }
            },
            CancellationToken.None);

        string result;
        if (outcome.Succeeded)
        {
            result = outcome.Result.Handled ? HistoryOutcome.Handled : HistoryOutcome.Unhandled;
        }
        else if (kind == TurnKind.BusEvent)
        {
            // The bus retries later with backoff: nothing of this turn is kept, and the message is not marked processed.
            Log.HandlerAttemptFailed(_logger, _id.Value, outcome.Attempts, message.Id, message.Type, outcome.Error!);
            _needsRestore = true;
            await RestoreAsync(recreateAgent: _agent is null);
            _context!.EndTurn();
            activity?.SetStatus(ActivityStatusCode.Error, outcome.Error!.Message);
            return (HistoryOutcome.Failed, null, outcome.Error);
        }
        else
        {
            Log.MessageFailed(_logger, _id.Value, message.Id, message.Type, outcome.Attempts, outcome.Error!);
            _needsRestore = true;
            await RestoreAsync(recreateAgent: _agent is null);
            _context!.BeginTurn(message);
            result = HistoryOutcome.Failed;
            activity?.SetStatus(ActivityStatusCode.Error, outcome.Error!.Message);
        }

        await CommitAsync([new TurnRecord(message, result, outcome.Attempts, outcome.Error, kind is TurnKind.Event or TurnKind.BusEvent, receipt, outcome.Succeeded ? outcome.Result.Payload : null)]);
        var tags = new TagList { { "aos.agent.type", agentType }, { "aos.outcome", result } };
        KernelDiagnostics.EventsHandled.Add(1, tags);
        KernelDiagnostics.TurnDuration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds, tags);
        return (result, outcome.Result.Payload, outcome.Error);
    }

    private async Task<AgentReply> WakeAgentAsync(Envelope message, CancellationToken cancellationToken)
    {
        var name = message.Payload?.GetProperty("name").GetString() ?? string.Empty;
        await _agent!.WakeUpAsync(name, cancellationToken);
        return new AgentReply(true, null);
    }

    private async Task CommitAsync(IReadOnlyList<TurnRecord> records)
    {
        var state = State;
        var now = _timeProvider.GetUtcNow();

        // One pass over the records, and no list for what a turn usually does not have: a turn is once per message at a steady rate.
        var failed = 0;
        var replies = false;
        List<string>? processed = null;
        List<DeliveryReceipt>? deliveries = null;
        foreach (var record in records)
        {
            failed += record.Outcome == HistoryOutcome.Failed ? 1 : 0;
            replies |= record.RecordProcessed && record.Message.ReplyTo is not null;
            if (record.Receipt is { } receipt)
            {
                (deliveries ??= new(records.Count)).Add(receipt);
            }
            else if (record.RecordProcessed)
            {
                (processed ??= new(records.Count)).Add(record.Message.Id);
            }
        }

        state.EventsProcessed += records.Count;
        state.LastEventAt = now;
        state.EventsFailed += failed;

        var context = _context!;
        try
        {
            state.AgentStateJson = _agent is null ? state.AgentStateJson : (await _agent.SaveAsync(CancellationToken.None))?.GetRawText();
            var appends = new List<JournalAppend>(1 + (context.PendingMemory.Count > 0 ? 1 : 0) + (context.PendingDecisions.Count > 0 ? 1 : 0)) { HistoryAppend(records, now) };
            if (context.PendingMemory.Count > 0)
            {
                appends.Add(new JournalAppend(JournalKind.Memory, [.. context.PendingMemory.Select(m => JsonSerializer.Serialize(m, KernelJsonContext.Default.MemoryItem))], now, _options.MemoryLimit));
            }

            if (context.PendingDecisions.Count > 0)
            {
                appends.Add(new JournalAppend(JournalKind.Decisions, [.. context.PendingDecisions.Select(d => JsonSerializer.Serialize(d, KernelJsonContext.Default.DecisionRecord))], now, _options.DecisionLimit));
            }

            List<string>? outbox = context.PendingMessages.Count == 0
                ? null
                : context.PendingMessages.Select(m => JsonSerializer.Serialize(m, KernelJsonContext.Default.Envelope)).ToList();
            if (replies)
            {
                foreach (var record in records)
                {
                    // A message that asks for a reply gets it through the outbox: durable exactly when the turn that produced it is.
                    if (record.RecordProcessed && record.Message.ReplyTo is not null && Replies.Create(record.Message, _id, record.Reply, record.Error is null ? null : Describe(record.Error), now, _bus.DefaultTimeToLive) is { } reply)
                    {
                        (outbox ??= []).Add(JsonSerializer.Serialize(reply, KernelJsonContext.Default.Envelope));
                    }
                }
            }

            if (_storage is IAgentTurnStore turns)
            {
                // One transaction: the history entry, the processed mark and the outgoing messages are durable exactly when the state
                // change they belong to is.
                var commit = turns.CommitTurnAsync(
                    AosStorageNames.AgentStateName,
                    this.GetGrainId(),
                    _state,
                    _id,
                    new AgentTurnWrites(now) { Appends = appends, ProcessedMessageIds = processed ?? [], Deliveries = deliveries ?? [], Outbox = outbox ?? [] });
                await (_statusWrite.IsCompletedSuccessfully ? commit : Task.WhenAll(_statusWrite, commit));
            }
            else
            {
                var writes = new List<Task>(appends.Count + 4) { _statusWrite, _storage.WriteStateAsync(AosStorageNames.AgentStateName, this.GetGrainId(), _state) };
                writes.AddRange(appends.Select(a => _journal.AppendAsync(_id, a.Kind, a.Entries, a.Timestamp, a.Keep).AsTask()));
                writes.Add(_outbox.AddAsync(_id, outbox ?? []).AsTask());
                writes.AddRange((processed ?? []).Select(id => _processed.AddAsync(_id, id, now).AsTask()));

                await Task.WhenAll(writes);
            }
        }
        catch
        {
            // Memory no longer matches what is durable: reload before the next turn. The sender is not acknowledged.
            _needsRestore = true;
            context.EndTurn();
            throw;
        }

        _wakePending = false;
        DecisionRecord[] decisions = _decisionSinks.Length == 0 ? [] : [.. context.PendingDecisions];
        context.EndTurn();
        if (context.PendingMessages.Count > 0 || replies)
        {
            _relay.Notify();
        }

        if (decisions.Length > 0)
        {
            await RecordDecisionsAsync(decisions);
        }

        foreach (var change in context.PendingWakeUps)
        {
            try
            {
                await ((IAgentHost)this).ApplyWakeUpAsync(change, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // The turn is durable and its caller is answered: a wake-up that could not be applied is logged, not thrown.
                Log.WakeUpChangeFailed(_logger, _id.Value, change.Name, ex);
            }
        }
    }

    private async Task RecordDecisionsAsync(DecisionRecord[] decisions)
    {
        foreach (var sink in _decisionSinks)
        {
            try
            {
                await sink.RecordAsync(_descriptor!, decisions, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // The turn is durable and its decisions are in the journal: a sink that failed is logged, not thrown.
                Log.DecisionSinkFailed(_logger, _id.Value, sink.GetType().Name, decisions.Length, ex);
            }
        }
    }

    private JournalAppend HistoryAppend(IReadOnlyList<TurnRecord> records, DateTimeOffset now)
    {
        var entries = new List<string>(records.Count);
        foreach (var (message, outcome, attempts, error, _, _, _) in records)
        {
            var payload = message.Payload is { } p && JsonMarshal.GetRawUtf8Value(p).Length <= _options.HistoryPayloadBytes ? p : (JsonElement?)null;
            var entry = new HistoryEntry
            {
                MessageId = message.Id,
                Type = message.Type,
                Source = message.Source,
                Outcome = outcome,
                Error = error is null ? null : Describe(error),
                Attempts = attempts,
                Payload = payload,
                Timestamp = now,
            };
            entries.Add(JsonSerializer.Serialize(entry, KernelJsonContext.Default.HistoryEntry));
        }

        return new JournalAppend(JournalKind.History, entries, now, _options.HistoryLimit);
    }

    private async Task RestoreAsync(bool recreateAgent)
    {
        await _storage.ReadStateAsync(AosStorageNames.AgentStateName, this.GetGrainId(), _state);
        _state.State ??= new AgentState();
        if (_wakePending)
        {
            State.WakeCount++;
        }

        if (recreateAgent || _context is null)
        {
            await CreateAgentAsync(CancellationToken.None);
        }
        else
        {
            _context.Reset(State);
            await _agent!.LoadAsync(ParseJson(State.AgentStateJson), CancellationToken.None);
        }

        _needsRestore = false;
    }

    private static string Describe(Exception error) => error switch
    {
        AosException => error.Message,
        _ => $"{error.GetType().Name}: {error.Message}",
    };

    private Activity? StartTurnActivity(Envelope message)
    {
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            Log.HandlingMessage(_logger, _id.Value, message.Type, message.Id, message.Payload?.GetRawText());
        }

        if (!KernelDiagnostics.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = KernelDiagnostics.ActivitySource.StartActivity("aos.agent.turn " + message.Type, ActivityKind.Consumer, ParentOf(message));
        activity?.SetTag("aos.agent.id", _id.Value);
        activity?.SetTag("aos.agent.type", _descriptor!.Type);
        activity?.SetTag("aos.message.id", message.Id);
        activity?.SetTag("aos.message.type", message.Type);
        return activity;
    }

    private static ActivityContext ParentOf(Envelope message) =>
        message.Headers.TryGetValue(MessageBus.TraceParentHeader, out var parent)
        && ActivityContext.TryParse(parent, message.Headers.GetValueOrDefault(MessageBus.TraceStateHeader), out var context)
            ? context
            : default;

    /// <summary>
    /// Records one message of a commit: how it ended, whether to mark it processed for de-duplication, and the receipt that marks it
    /// delivered instead when its transport settles in the turn.
    /// </summary>
    private readonly record struct TurnRecord(Envelope Message, string Outcome, int Attempts, Exception? Error, bool RecordProcessed, DeliveryReceipt? Receipt = null, JsonElement? Reply = null);

    private enum TurnKind
    {
        Event,
        BusEvent,
        Request,
        WakeUp,
    }
}
