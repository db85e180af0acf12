using Aos.Agents;
using Aos.Kernel.Tests.TestAgents;
using Aos.Messaging;
using Aos.Security;

namespace Aos.Kernel.Tests.Messaging;

/// <summary>Tenants and grants on the bus: a message reaches only its tenant, and an agent reaches only what it is granted.</summary>
public sealed partial class MessageBusTests
{
    [Fact]
    public async Task AgentSend_ToAnAgentOutsideItsGrants_IsRefusedAndNothingLeaves()
    {
        var receiver = await RegisterAsync();
        var sender = await RegisterAsync(grants: new AgentGrants { Agents = ["someone-else", "ops-*"] });

        var receipt = await Bus.SendAsync(Message("send", new { to = receiver.Value, type = "hello" }) with { Target = sender }, Ct);

        Assert.Equal(DeadLetterReasons.MaxAttempts, await _settled.WaitAsync(receipt.MessageId, sender));
        var record = Assert.Single(await Bus.GetAsync(receipt.MessageId, Ct));
        Assert.Contains($"may not send to agent '{receiver}': it is outside the agent's grants", record.LastError, StringComparison.Ordinal);
        Assert.Contains($"PUT /v1/agents/{sender}/grants", record.LastError, StringComparison.Ordinal);
        Assert.Empty((await StateAsync(receiver)).Received);
        Assert.Empty((await StateAsync(sender)).Received);
    }

    [Fact]
    public async Task AgentPublishAndSubscribe_OutsideItsTopicGrants_AreRefused()
    {
        var topic = "guarded." + Guid.NewGuid().ToString("N");
        var listener = await RegisterAsync(subscriptions: [topic]);
        var agent = await RegisterAsync(grants: new AgentGrants { Topics = ["other.>"] });

        var publish = await Bus.SendAsync(Message("publish", new { to = topic, type = "leak" }) with { Target = agent }, Ct);
        var subscribe = await Bus.SendAsync(Message("subscribe", new { to = "guarded.>", type = "x" }) with { Target = agent }, Ct);

        Assert.Equal(DeadLetterReasons.MaxAttempts, await _settled.WaitAsync(publish.MessageId, agent));
        Assert.Equal(DeadLetterReasons.MaxAttempts, await _settled.WaitAsync(subscribe.MessageId, agent));
        Assert.Contains($"may not publish on topic '{topic}'", Assert.Single(await Bus.GetAsync(publish.MessageId, Ct)).LastError, StringComparison.Ordinal);
        Assert.Contains("may not subscribe to 'guarded.>'", Assert.Single(await Bus.GetAsync(subscribe.MessageId, Ct)).LastError, StringComparison.Ordinal);
        Assert.Empty((await StateAsync(listener)).Received);
        Assert.DoesNotContain("guarded.>", (await Registry.GetAsync(agent, Ct)).Descriptor.Subscriptions);
    }

    [Fact]
    public async Task Grants_ChangedAtRunTime_ApplyFromTheNextSystemCall()
    {
        var receiver = await RegisterAsync();
        var sender = await RegisterAsync();
        var refused = await Bus.SendAsync(Message("send", new { to = receiver.Value, type = "first" }) with { Target = sender }, Ct);
        Assert.Equal(DeadLetterReasons.MaxAttempts, await _settled.WaitAsync(refused.MessageId, sender));

        await Registry.SetGrantsAsync(sender, new AgentGrants { Agents = [receiver.Value] }, AosTenants.Default, Ct);
        await Bus.SendAsync(Message("send", new { to = receiver.Value, type = "second" }) with { Target = sender }, Ct);

        var received = await WaitForReceivedAsync(receiver, 1);
        Assert.Equal("second", Assert.Single(await Bus.GetAsync(received[0], Ct)).Envelope.Type);
        Assert.Equal([receiver.Value], (await Registry.GetAsync(sender, Ct)).Descriptor.Grants.Agents);
    }

    [Fact]
    public async Task Message_OfAnotherTenant_IsDeadLetteredAsTargetNotFound_AndNeverHandled()
    {
        var agent = await RegisterAsync();

        var receipt = await Bus.SendAsync(Message("work") with { Target = agent, Tenant = "acme" }, Ct);

        Assert.Equal(DeadLetterReasons.TargetNotFound, await _settled.WaitAsync(receipt.MessageId, agent));
        Assert.Empty((await StateAsync(agent)).Received);
    }

    [Fact]
    public async Task PublishAndBroadcast_ReachOnlyTheirTenantsAgents_AndAgentMessagesCarryTheSendersTenant()
    {
        var topic = "tenanted." + Guid.NewGuid().ToString("N");
        var prefix = "tb-" + Guid.NewGuid().ToString("N")[..8];
        var home = await RegisterAsync(prefix + "-home", subscriptions: [topic]);
        var acme = await RegisterAsync(prefix + "-acme", subscriptions: [topic], tenant: "acme");
        var acmeSender = await RegisterAsync(prefix + "-sender", tenant: "acme", grants: new AgentGrants { Agents = [prefix + "*"] });

        var published = await Bus.PublishAsync(Message("news") with { Topic = topic, Tenant = "acme" }, Ct);
        var broadcast = await Bus.BroadcastAsync(Message("all") with { Tenant = "acme" }, prefix, Ct);
        await Bus.SendAsync(Message("send", new { to = home.Value, type = "cross" }) with { Target = acmeSender, Tenant = "acme" }, Ct);

        Assert.Equal([acme], published.Recipients);
        Assert.Equal([acme, acmeSender], broadcast.Recipients.OrderBy(a => a.Value, StringComparer.Ordinal));
        var crossId = (await WaitForDeadLetterAsync(home)).Envelope;
        Assert.Equal("acme", crossId.Tenant);
        Assert.Equal(acmeSender.Value, crossId.Source);
        Assert.Empty((await StateAsync(home)).Received);
    }

    private async Task<MessageRecord> WaitForDeadLetterAsync(AgentId recipient)
    {
        while (true)
        {
            var page = await Bus.ListDeadLettersAsync(null, 1000, Ct);
            if (page.Items.FirstOrDefault(r => r.Recipient == recipient) is { } record)
            {
                return record;
            }

            await _settled.NextAsync(recipient);
        }
    }
}
