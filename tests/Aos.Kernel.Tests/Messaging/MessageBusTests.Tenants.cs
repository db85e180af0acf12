using System.Diagnostics;
using Aos.Agents;
using Aos.Kernel.Tests.TestAgents;
using Aos.Messaging;
using Aos.Security;

namespace Aos.Kernel.Tests.Messaging;

/// <summary>Tenants and grants on the bus: a message reaches only its tenant, and an agent reaches only what it is granted.</summary>
public abstract partial class MessageBusTests
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
    public async Task Reply_InATenant_ReachesTheRequesterWithTheTenantAnExpiryAndTheRequestsTrace()
    {
        var requester = await RegisterAsync(tenant: "acme");
        var responder = await RegisterAsync(tenant: "acme");
        var traceId = ActivityTraceId.CreateRandom();
        var request = Message("note") with
        {
            Target = responder,
            Tenant = "acme",
            ReplyTo = requester.Value,
            Headers = new Dictionary<string, string> { ["traceparent"] = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01" },
        };

        var receipt = await Bus.SendAsync(request, Ct);

        // A reply outside its requester's tenant would be dead-lettered as target-not-found.
        Assert.Equal("delivered", await _settled.WaitAsync(receipt.MessageId + ".reply", requester));
        var reply = Assert.Single(await Bus.GetAsync(receipt.MessageId + ".reply", Ct)).Envelope;
        Assert.Equal(("acme", receipt.MessageId, responder.Value), (reply.Tenant, reply.CorrelationId, reply.Source));
        Assert.Equal(reply.Timestamp + TimeSpan.FromSeconds(300), reply.ExpiresAt);
        Assert.True(ActivityContext.TryParse(reply.Headers["traceparent"], null, out var context));
        Assert.Equal(traceId, context.TraceId);
    }

    [Theory]
    [InlineData("workflow:run-1/step-1/1/0", "only the workflow engine")]
    [InlineData("not an id", "'replyTo' must be the id of the agent")]
    public async Task Send_WithAReplyAddressThatIsNoAgent_IsRefusedAndStoresNothing(string replyTo, string detail)
    {
        var agent = await RegisterAsync();
        var message = Message("note") with { Target = agent, ReplyTo = replyTo };

        var refused = await Assert.ThrowsAsync<AosValidationException>(() => Bus.SendAsync(message, Ct));

        Assert.Equal("replyTo", refused.Field);
        Assert.Contains(detail, refused.Message, StringComparison.Ordinal);
        Assert.Empty(await Bus.GetAsync(message.Id, Ct));
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

    [Fact]
    public async Task Send_WithAnIdAnotherTenantTookForTheRecipient_IsRefusedAsTaken_NotReportedAsADuplicate()
    {
        var agent = await RegisterAsync();
        var id = "order-" + Guid.NewGuid().ToString("N");
        var foreign = await Bus.SendAsync(Message("note") with { Id = id, Target = agent, Tenant = "acme" }, Ct);
        Assert.Equal(DeadLetterReasons.TargetNotFound, await _settled.WaitAsync(foreign.MessageId, agent));

        var taken = await Assert.ThrowsAsync<MessageIdTakenException>(() => Bus.SendAsync(Message("note") with { Id = id, Target = agent }, Ct));
        var again = await Bus.SendAsync(Message("note") with { Id = id, Target = agent, Tenant = "acme" }, Ct);

        // The relay of committed turns' messages is not refused (it would retry for ever, holding up the outbox): its receipt says it.
        var relayed = Assert.Single(await Bus.RouteAsync([Bus.Prepare(Message("note") with { Id = id, Target = agent })], admitOverCapacity: true, Ct));
        Assert.Empty(relayed.Recipients);
        Assert.Equal([agent], relayed.Taken);

        Assert.Equal(id, taken.MessageId);
        Assert.Contains($"already taken for '{agent}' by a message of another tenant", taken.Message, StringComparison.Ordinal);
        Assert.Equal("acme", Assert.Single(await Bus.GetAsync(id, Ct)).Envelope.Tenant);
        Assert.Equal([agent], again.Duplicates);
    }

    [Fact]
    public async Task DeadLetters_OfOneTenant_ComeInFullPages_PastOtherTenantsDeadLetters()
    {
        var tenant = "t" + Guid.NewGuid().ToString("N")[..8];
        var ours = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var ghost = AgentId.Parse("ghost-" + Guid.NewGuid().ToString("N"));
            var theirs = await Bus.SendAsync(Message("note") with { Target = ghost }, Ct);
            var mine = await Bus.SendAsync(Message("note") with { Target = ghost, Tenant = tenant }, Ct);
            await _settled.WaitAsync(theirs.MessageId, ghost);
            await _settled.WaitAsync(mine.MessageId, ghost);
            ours.Add(mine.MessageId);
        }

        var first = await Bus.ListDeadLettersAsync(null, 2, tenant, Ct);
        var second = await Bus.ListDeadLettersAsync(first.Next, 2, tenant, Ct);

        Assert.Equal(ours[..2], first.Items.Select(r => r.Envelope.Id));
        Assert.NotNull(first.Next);
        Assert.Equal([ours[2]], second.Items.Select(r => r.Envelope.Id));
        Assert.Null(second.Next);
    }

    private async Task<MessageRecord> WaitForDeadLetterAsync(AgentId recipient)
    {
        while (true)
        {
            var page = await Bus.ListDeadLettersAsync(null, 1000, cancellationToken: Ct);
            if (page.Items.FirstOrDefault(r => r.Recipient == recipient) is { } record)
            {
                return record;
            }

            await _settled.NextAsync(recipient);
        }
    }
}
