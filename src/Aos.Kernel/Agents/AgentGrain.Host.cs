using System.Text.Json;
using Aos.Kernel.Diagnostics;
using Aos.Kernel.Messaging;
using Aos.Messaging;

namespace Aos.Kernel.Agents;

internal sealed partial class AgentGrain
{
    // Orleans reminders repeat; a one-shot wake-up repeats rarely and is unregistered when it first fires.
    private static readonly TimeSpan OneShotPeriod = TimeSpan.FromHours(1);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_unregistered || !reminderName.StartsWith(WakeUpPrefix, StringComparison.Ordinal))
        {
            if (await this.GetReminder(reminderName) is { } stale)
            {
                await this.UnregisterReminder(stale);
            }

            return;
        }

        var name = reminderName[WakeUpPrefix.Length..];
        if (_failure is not null)
        {
            return;
        }

        if (State.OneShotWakeUps.Remove(name) && await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        var now = _timeProvider.GetUtcNow();
        var message = new Envelope
        {
            Id = MessageIds.New(now),
            Type = "aos.wake-up",
            Source = "aos.scheduler",
            Tenant = _descriptor!.Tenant,
            Target = _id,
            Timestamp = now,
            Payload = JsonSerializer.SerializeToElement(new { name }, JsonSerializerOptions.Web),
        };
        await RunTurnAsync(message, TurnKind.WakeUp, receipt: null);
    }

    async ValueTask<JsonElement?> IAgentHost.RequestAsync(Envelope request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = GrainFactory.GetGrain<IAgentGrain>(request.Target!.Value.Value);
        var call = target.RequestAsync(MessageBus.WithTraceContext(request));
        try
        {
            return await call.WaitAsync(timeout, _timeProvider, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            CountLateReply(call);
            throw new AgentTimeoutException($"Agent '{request.Target}' did not reply to '{request.Type}' within {timeout.TotalSeconds:0.###} s. The request ({request.Id}) is not lost: it is still handled.", ex)
            {
                MessageId = request.Id,
            };
        }
    }

    async ValueTask IAgentHost.ApplyWakeUpAsync(WakeUpChange change, CancellationToken cancellationToken)
    {
        var reminderName = WakeUpPrefix + change.Name;
        if (!change.Cancel)
        {
            await this.RegisterOrUpdateReminder(reminderName, change.DueTime, change.Period ?? OneShotPeriod + change.DueTime, cancellationToken);
        }
        else if (await this.GetReminder(reminderName, cancellationToken) is { } reminder)
        {
            await this.UnregisterReminder(reminder, cancellationToken);
        }
    }

    Envelope IAgentHost.PrepareOutgoing(Envelope message) => _bus.Prepare(message);

    async ValueTask<bool> IAgentHost.ChangeSubscriptionAsync(string pattern, bool subscribe, CancellationToken cancellationToken)
    {
        var changed = subscribe
            ? await _directory.SubscribeAsync(_id, pattern, cancellationToken)
            : await _directory.UnsubscribeAsync(_id, pattern, cancellationToken);
        if (changed && await _directory.GetAsync(_id, cancellationToken) is { } record)
        {
            UseDescriptor(record.Descriptor);
        }

        return changed;
    }

    public async Task RefreshDescriptorAsync()
    {
        if (!_unregistered && await _directory.GetAsync(_id) is { } record)
        {
            UseDescriptor(record.Descriptor);
        }
    }

    private void UseDescriptor(Aos.Agents.AgentDescriptor descriptor)
    {
        _descriptor = descriptor;
        if (_context is not null)
        {
            _context.Descriptor = descriptor;
        }
    }

    /// <summary>
    /// Counts the reply of a request that missed its deadline when it arrives, an answer or an error alike; the caller has moved on, so it
    /// is dropped (an error is observed here, so that it is not reported as unobserved).
    /// </summary>
    internal static void CountLateReply(Task call) =>
        call.ContinueWith(
            static done =>
            {
                KernelDiagnostics.LateReplies.Add(1, new KeyValuePair<string, object?>("aos.outcome", done.Exception is null ? "reply" : "error"));
            },
            CancellationToken.None,
            TaskContinuationOptions.NotOnCanceled | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
