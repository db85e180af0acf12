using System.Diagnostics;
using Aos.Kernel.Diagnostics;
using Aos.Messaging;

namespace Aos.Kernel.Agents;

internal sealed partial class AgentGrain
{
    private TurnRunner? _batchRunner;

    public async Task<DeliveryResult[]> ProcessBatchAsync(Envelope[] messages, DeliveryReceipt[]? receipts)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (receipts is not null && receipts.Length != messages.Length)
        {
            throw new ArgumentException($"Got {receipts.Length} receipts for {messages.Length} messages; give one per message, or none.", nameof(receipts));
        }

        ThrowIfUnavailable();
        var results = new DeliveryResult[messages.Length];
        var run = new List<int>(messages.Length);
        receipts = CanSettle ? receipts : null;
        for (var i = 0; i < messages.Length; i++)
        {
            var message = messages[i];
            if (IsForeign(message))
            {
                results[i] = new DeliveryResult(message.Id, HistoryOutcome.Refused, $"No agent '{_id}' is registered in tenant '{message.Tenant}'.");
            }
            else if (await IsDuplicateAsync(message, receipts?[i]))
            {
                results[i] = new DeliveryResult(message.Id, HistoryOutcome.Duplicate);
            }
            else if (IsFiltered(message))
            {
                results[i] = new DeliveryResult(message.Id, HistoryOutcome.Filtered);
            }
            else
            {
                run.Add(i);
            }
        }

        if (run.Count == 1)
        {
            var message = messages[run[0]];
            var receipt = receipts?[run[0]];
            var (outcome, _, error) = await RunTurnAsync(message, TurnKind.BusEvent, receipt);
            results[run[0]] = new DeliveryResult(message.Id, outcome, error is null ? null : Describe(error), Settled: receipt is not null && outcome != HistoryOutcome.Failed);
        }
        else if (run.Count > 1)
        {
            await RunBatchAsync(messages, receipts, run, results);
        }

        return results;
    }

    /// <summary>
    /// Runs several messages as consecutive turns with one commit. Each handler gets one attempt: on the first failure nothing of
    /// the batch is kept, and every message of it is answered <c>failed</c>, so the bus delivers each again on its own, with the
    /// in-turn retries of a single turn.
    /// </summary>
    private async Task RunBatchAsync(Envelope[] messages, DeliveryReceipt[]? receipts, List<int> run, DeliveryResult[] results)
    {
        var agentType = _descriptor!.Type;
        var started = _timeProvider.GetTimestamp();
        _batchRunner ??= new TurnRunner(new KernelOptions { MaxAttempts = 1, TurnTimeout = _options.TurnTimeout }, _timeProvider);
        if (_needsRestore)
        {
            await RestoreAsync(recreateAgent: false);
        }

        var records = new List<TurnRecord>(run.Count);
        var first = true;
        foreach (var index in run)
        {
            var message = messages[index];
            using var activity = StartTurnActivity(message);
            var keepPending = !first;
            first = false;
            var outcome = await _batchRunner.RunAsync(
                (_, cancellationToken) =>
                {
                    _context!.BeginTurn(message, keepPending);
                    return _agent!.HandleAsync(message, isRequest: message.ReplyTo is not null, cancellationToken).AsTask();
                },
                (attempt, exception) =>
                {
                    KernelDiagnostics.HandlerFailures.Add(1, new KeyValuePair<string, object?>("aos.agent.type", agentType));
                    Log.HandlerAttemptFailed(_logger, _id.Value, attempt, message.Id, message.Type, exception);
                    if (exception is TurnTimeoutException)
                    {
                        _context!.Detach();
                        _agent = null;
                    }
                },
                CancellationToken.None);
            if (!outcome.Succeeded)
            {
                activity?.SetStatus(ActivityStatusCode.Error, outcome.Error!.Message);
                _needsRestore = true;
                await RestoreAsync(recreateAgent: _agent is null);
                _context!.EndTurn();
                var cause = Describe(outcome.Error!);
                foreach (var other in run)
                {
                    results[other] = new DeliveryResult(
                        messages[other].Id,
                        other == index ? HistoryOutcome.Failed : HistoryOutcome.NotKept,
                        other == index ? cause : $"Not kept: message '{message.Id}' of the same batch failed ({cause}); it is delivered again on its own.");
                }

                return;
            }

            records.Add(new TurnRecord(message, outcome.Result.Handled ? HistoryOutcome.Handled : HistoryOutcome.Unhandled, 1, null, RecordProcessed: true, receipts?[index], outcome.Result.Payload));
        }

        await CommitAsync(records);
        var elapsed = _timeProvider.GetElapsedTime(started).TotalSeconds / records.Count;
        for (var i = 0; i < run.Count; i++)
        {
            var tags = new TagList { { "aos.agent.type", agentType }, { "aos.outcome", records[i].Outcome } };
            KernelDiagnostics.EventsHandled.Add(1, tags);
            KernelDiagnostics.TurnDuration.Record(elapsed, tags);
            results[run[i]] = new DeliveryResult(records[i].Message.Id, records[i].Outcome, Settled: records[i].Receipt is not null);
        }
    }
}
