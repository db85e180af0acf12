using System.Text.Json;
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

    private static Envelope Message(string type, object? payload = null) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Type = type,
        Source = "expiry-test",
        Payload = payload is null ? null : JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web),
    };
}
