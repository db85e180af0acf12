using System.Text.Json;
using Aos.Kernel.Diagnostics;
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
            Id = Guid.CreateVersion7(now).ToString("N"),
            Type = "aos.wake-up",
            Source = "aos.scheduler",
            Target = _id,
            Timestamp = now,
            Payload = JsonSerializer.SerializeToElement(new { name }, JsonSerializerOptions.Web),
        };
        await RunTurnAsync(message, TurnKind.WakeUp);
    }

    async ValueTask<JsonElement?> IAgentHost.RequestAsync(Envelope request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = GrainFactory.GetGrain<IAgentGrain>(request.Target!.Value.Value);
        try
        {
            return await target.RequestAsync(request).WaitAsync(timeout, _timeProvider, cancellationToken);
        }
        catch (TimeoutException ex)
        {
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

    private void Dispatch(IReadOnlyList<Envelope> messages)
    {
        foreach (var message in messages)
        {
            _ = message.Target is { } target ? SendAsync(target, message) : PublishAsync(message);
        }
    }

    private async Task SendAsync(AgentId target, Envelope message)
    {
        try
        {
            await GrainFactory.GetGrain<IAgentGrain>(target.Value).DeliverAsync(message with { Target = target });
        }
        catch (Exception ex)
        {
            Log.OutgoingDeliveryFailed(_logger, _id.Value, message.Id, target.Value, ex);
        }
    }

    private async Task PublishAsync(Envelope message)
    {
        try
        {
            var subscribers = await _directory.GetSubscribersAsync(message.Topic!);
            foreach (var subscriber in subscribers.Where(s => s != _id))
            {
                _ = SendAsync(subscriber, message);
            }
        }
        catch (Exception ex)
        {
            Log.OutgoingDeliveryFailed(_logger, _id.Value, message.Id, message.Topic!, ex);
        }
    }
}
