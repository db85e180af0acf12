using System.Text.Json;
using Aos.Kernel.Diagnostics;
using Aos.Kernel.Workflows;
using Aos.Messaging;
using Aos.Storage;
using Microsoft.Extensions.Logging;

namespace Aos.Kernel.Messaging;

/// <summary>
/// Moves the messages agents sent during their turns from the transactional outbox onto the bus, oldest first, and removes them once
/// they are durable in their recipients' inboxes.
/// </summary>
/// <remarks>
/// Agents notify the relay after each turn that sent something; it also drains the outbox when the silo starts, so messages of turns
/// that committed just before a crash still leave. Routing is idempotent (recipients de-duplicate by message id), so an entry routed
/// twice after a crash between routing and removal is delivered once. Messages from committed turns are admitted past a full inbox:
/// their sender was already told they were sent.
/// </remarks>
internal sealed class OutboxRelay : IDisposable
{
    private const int BatchSize = 512;
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(1);

    private readonly IAgentOutbox _outbox;
    private readonly MessageBus _bus;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<OutboxRelay> _logger;
    private readonly SemaphoreSlim _signal = new(1, 1);

    public OutboxRelay(IAgentOutbox outbox, MessageBus bus, IGrainFactory grains, TimeProvider timeProvider, ILogger<OutboxRelay> logger)
    {
        _outbox = outbox;
        _grains = grains;
        _bus = bus;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Tells the relay that the outbox has new entries.</summary>
    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another notifier got there first: one pending signal is enough.
            }
        }
    }

    public void Dispose() => _signal.Dispose();

    public void Start(CancellationToken cancellationToken) => Completion = Task.Run(() => RunAsync(cancellationToken), CancellationToken.None);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(cancellationToken);
                while (await DrainOnceAsync(cancellationToken) == BatchSize)
                {
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.OutboxRelayFailed(_logger, FailureBackoff, ex);
                await Task.Delay(FailureBackoff, _timeProvider, CancellationToken.None);
                Notify();
            }
        }
    }

    /// <summary>Routes one batch of outbox entries; returns how many there were.</summary>
    internal async Task<int> DrainOnceAsync(CancellationToken cancellationToken)
    {
        var entries = await _outbox.ReadAsync(BatchSize, cancellationToken);
        if (entries.Count == 0)
        {
            return 0;
        }

        var messages = entries.Select(e => JsonSerializer.Deserialize(e.Envelope, KernelJsonContext.Default.Envelope)!).ToList();
        var toSteps = new List<Task>();
        var toBus = new List<Envelope>(messages.Count);
        foreach (var message in messages)
        {
            // Replies to workflow steps go to their runs, which ignore a reply for an attempt that is no longer current.
            if (Replies.TryGetWorkflowStep(message, out var step))
            {
                toSteps.Add(_grains.GetGrain<IWorkflowRunGrain>(step.RunId).CompleteStepAsync(step, Replies.ToOutcome(message)));
            }
            else
            {
                toBus.Add(message);
            }
        }

        await Task.WhenAll(toSteps);
        messages = toBus;
        var receipts = await _bus.RouteAsync(messages, admitOverCapacity: true, cancellationToken);
        foreach (var receipt in receipts)
        {
            if (receipt.Taken.Count > 0)
            {
                // Sending it again would clash again: it is left out, loudly, rather than holding up every message behind it.
                Log.MessageIdTaken(_logger, receipt.MessageId, string.Join(", ", receipt.Taken));
            }
        }

        await _outbox.RemoveAsync([.. entries.Select(e => e.Sequence)], cancellationToken);
        return entries.Count;
    }
}
