using System.Diagnostics.Metrics;
using System.Text.Json;
using Aos.Conversations;
using Aos.Kernel.Diagnostics;
using Aos.Kernel.Messaging;
using Aos.Kernel.Registry;
using Aos.Kernel.Tests.StateMachines;
using Aos.Kernel.Tests.TestAgents;
using Aos.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.Tests.Messaging;

/// <summary>A message that expires while it waits in a busy agent's inbox, on the fake-clock cluster.</summary>
[Collection(FakeClockCluster.Name)]
public sealed class BusExpiryTests(StateMachineClusterFixture fixture) : IDisposable
{
    private readonly Settlements _settled = new(fixture.Silo(0).GetRequiredService<MessageDispatcher>());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MessageBus Bus => fixture.Silo(0).GetRequiredService<MessageBus>();

    public void Dispose() => _settled.Dispose();

    [Fact]
    public async Task Message_ExpiringWhileQueuedBehindABusyTurn_IsDeadLetteredExpired_AndNeverProcessed()
    {
        var agent = (await fixture.Registry(0).RegisterAsync(new AgentRegistration { Type = BusAgent.TypeName, Id = "expiry-" + Guid.NewGuid().ToString("N") }, Ct)).Id;
        var gate = Guid.NewGuid().ToString("N");
        var entered = BusAgent.EnteredFor(gate);
        var holding = await Bus.SendAsync(Message("wait", new { name = gate }) with { Target = agent }, Ct);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        // Accepted with ten seconds to live, it waits behind the turn that holds the agent, and the clock moves past its expiry.
        var queued = await Bus.SendAsync(Message("note") with { Target = agent, ExpiresAt = StateMachineClusterFixture.Time.GetUtcNow().AddSeconds(10) }, Ct);
        var fresh = await Bus.SendAsync(Message("note") with { Target = agent }, Ct);
        StateMachineClusterFixture.Time.Advance(TimeSpan.FromSeconds(11));
        BusAgent.GateFor(gate).TrySetResult();

        Assert.Equal(DeadLetterReasons.Expired, await _settled.WaitAsync(queued.MessageId, agent));
        Assert.Equal("delivered", await _settled.WaitAsync(fresh.MessageId, agent));
        var record = Assert.Single(await Bus.GetAsync(queued.MessageId, Ct));
        Assert.Equal((MessageStatus.DeadLettered, DeadLetterReasons.Expired), (record.Status, record.Reason));
        var client = fixture.Client(0);
        var state = (await client.RequestAsync(agent, client.CreateMessage("get", null), cancellationToken: Ct))!.Value.Deserialize<BusState>(JsonSerializerOptions.Web)!;
        Assert.Equal([holding.MessageId, fresh.MessageId], state.Received);
    }

    [Fact]
    public async Task DeadLetter_PastItsRetention_IsRemovedByAPrune_AndCounted()
    {
        using var removals = Count("aos.bus.dead_letters.removed", new KeyValuePair<string, object?>("aos.reason", "retention"));
        var ghost = AgentId.Parse("ghost-" + Guid.NewGuid().ToString("N"));
        var sent = await Bus.SendAsync(Message("note") with { Target = ghost }, Ct);
        Assert.Equal(DeadLetterReasons.TargetNotFound, await _settled.WaitAsync(sent.MessageId, ghost));

        // Kept until the retention has passed; a prune (every 10 minutes) after that removes it.
        StateMachineClusterFixture.Time.Advance(StateMachineClusterFixture.DeadLetterRetention - TimeSpan.FromMinutes(10));
        Assert.Equal(MessageStatus.DeadLettered, Assert.Single(await Bus.GetAsync(sent.MessageId, Ct)).Status);
        StateMachineClusterFixture.Time.Advance(TimeSpan.FromMinutes(20));

        while ((await Bus.GetAsync(sent.MessageId, Ct)).Count > 0)
        {
            await removals.NextAsync();
        }
    }

    [Fact]
    public async Task Conversation_ThatWaitsForNothing_IsForgottenAfterItsRetention_AndCounted()
    {
        using var forgotten = Count("aos.bus.conversations.forgotten");
        var conversations = fixture.Silo(0).GetRequiredService<IConversationStore>();
        var id = "idle-" + Guid.NewGuid().ToString("N");
        await conversations.RecordAsync([(Message("note") with { ConversationId = id }, [AgentId.Parse("someone")])], Ct);

        StateMachineClusterFixture.Time.Advance(StateMachineClusterFixture.DeadLetterRetention - TimeSpan.FromMinutes(10));
        Assert.NotNull(await conversations.GetAsync(id, 10, Ct));
        StateMachineClusterFixture.Time.Advance(TimeSpan.FromMinutes(20));

        while (await conversations.GetAsync(id, 10, Ct) is not null)
        {
            await forgotten.NextAsync();
        }
    }

    /// <summary>Counts the measurements of a kernel counter (with a tag, if given) that are above zero: each silo's prune reports its own.</summary>
    private static Measurements Count(string instrument, KeyValuePair<string, object?>? tag = null) => new(instrument, tag);

    private sealed class Measurements : IDisposable
    {
        private readonly SemaphoreSlim _seen = new(0);
        private readonly MeterListener _listener = new();

        public Measurements(string instrument, KeyValuePair<string, object?>? tag)
        {
            _listener.InstrumentPublished = (published, listener) =>
            {
                if (published.Meter.Name == KernelDiagnostics.Name && published.Name == instrument)
                {
                    listener.EnableMeasurementEvents(published);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, count, tags, _) =>
            {
                if (count > 0 && (tag is null || tags.ToArray().Contains(tag.Value)))
                {
                    _seen.Release();
                }
            });
            _listener.Start();
        }

        /// <summary>Waits for the next measurement; fails the test when none comes within 30 s.</summary>
        public async Task NextAsync() =>
            Assert.True(await _seen.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "No prune reported within 30 s of the retention passing.");

        public void Dispose()
        {
            _listener.Dispose();
            _seen.Dispose();
        }
    }

    private static Envelope Message(string type, object? payload = null) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Type = type,
        Source = "expiry-test",
        Payload = payload is null ? null : JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web),
    };
}
