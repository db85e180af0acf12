using System.Text.Json;
using Aos.Conversations;
using Aos.Kernel.Agents;
using Aos.Kernel.Diagnostics;
using Aos.Kernel.Messaging;
using Aos.Kernel.Registry;
using Aos.Kernel.Tests.Cluster;
using Aos.Kernel.Tests.TestAgents;
using Aos.Agents;
using Aos.Messaging;
using Aos.Security;
using Aos.Storage;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Aos.Kernel.Tests.Messaging;

/// <summary>
/// Runs the durable message bus end to end on a real one-silo cluster, once per transport: delivery guarantees, order, routing,
/// backpressure, tenants, telemetry.
/// </summary>
/// <remarks>
/// The fixture sets a bus retry budget of 4 attempts with millisecond backoff and inboxes of 8 messages. Tests wait on explicit
/// barriers: the dispatcher's settlement of a message, and gates that "wait" messages hold a <see cref="BusAgent"/> on.
/// </remarks>
public abstract partial class MessageBusTests(AgentClusterFixture fixture) : IAsyncLifetime
{
    private Settlements _settled = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MessageBus Bus => fixture.Silo(0).GetRequiredService<MessageBus>();

    private AgentRegistry Registry => fixture.Registry(0);

    public async ValueTask InitializeAsync()
    {
        await fixture.RequireAsync();
        _settled = new Settlements(fixture.Silo(0).GetRequiredService<MessageDispatcher>());
    }

    public ValueTask DisposeAsync()
    {
        _settled?.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Send_ReceiverThrowsTwiceThenSucceeds_ProcessedExactlyOnce()
    {
        var agent = await RegisterAsync();

        var receipt = await Bus.SendAsync(Message("work", new { failures = 2 }) with { Target = agent }, Ct);

        Assert.Equal([agent], receipt.Recipients);
        Assert.Equal("delivered", await _settled.WaitAsync(receipt.MessageId, agent));
        Assert.Equal([receipt.MessageId], (await StateAsync(agent)).Received);
        Assert.Equal(3, BusAgent.AttemptsOf(agent, receipt.MessageId));
        var history = (await Registry.GetContextAsync(agent, cancellationToken: Ct)).History;
        Assert.Equal(HistoryOutcome.Handled, Assert.Single(history, h => h.MessageId == receipt.MessageId).Outcome);
    }

    [Fact]
    public async Task Send_ReceiverFailsPastItsTurnRetries_IsRedeliveredWithBackoffAndProcessedOnce()
    {
        var agent = await RegisterAsync();

        // Three in-turn attempts fail the first delivery; the bus delivers again and the fifth attempt succeeds.
        var receipt = await Bus.SendAsync(Message("work", new { failures = 4 }) with { Target = agent }, Ct);

        Assert.Equal("delivered", await _settled.WaitAsync(receipt.MessageId, agent));
        Assert.Equal([receipt.MessageId], (await StateAsync(agent)).Received);
        Assert.Contains(_settled.All, s => s.Id == receipt.MessageId && s.Outcome == "retry");
        var record = Assert.Single(await Bus.GetAsync(receipt.MessageId, Ct));
        Assert.Equal(MessageStatus.Delivered, record.Status);
        Assert.Equal(2, record.Attempts);
        Assert.Contains("fails on purpose", record.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_AlwaysFailing_IsDeadLetteredAfterTheRetryBudgetWithTheLastError()
    {
        var agent = await RegisterAsync();

        var receipt = await Bus.SendAsync(Message("work", new { failures = 1000 }) with { Target = agent }, Ct);

        Assert.Equal(DeadLetterReasons.MaxAttempts, await _settled.WaitAsync(receipt.MessageId, agent));
        var record = Assert.Single(await Bus.GetAsync(receipt.MessageId, Ct));
        Assert.Equal(MessageStatus.DeadLettered, record.Status);
        Assert.Equal(4, record.Attempts);
        Assert.Contains("fails on purpose", record.LastError, StringComparison.Ordinal);
        Assert.Empty((await StateAsync(agent)).Received);
    }

    [Fact]
    public async Task Send_SameIdTwice_IsProcessedOnce()
    {
        var agent = await RegisterAsync();
        var message = Message("note") with { Target = agent };

        var first = await Bus.SendAsync(message, Ct);
        var second = await Bus.SendAsync(message, Ct);
        Assert.Equal("delivered", await _settled.WaitAsync(message.Id, agent));
        var third = await Bus.SendAsync(message, Ct);

        Assert.Equal([agent], first.Recipients);
        Assert.Equal([agent], second.Duplicates);
        Assert.Equal([agent], third.Duplicates);
        Assert.Equal([message.Id], (await StateAsync(agent)).Received);
    }

    [Fact]
    public async Task Redelivery_OfAProcessedMessage_IsNotProcessedAgain()
    {
        var agent = await RegisterAsync();
        var grain = fixture.Cluster.GrainFactory.GetGrain<IAgentGrain>(agent.Value);
        var message = Bus.Prepare(Message("note") with { Target = agent });

        var first = await grain.ProcessAsync(message, receipt: null);
        var again = await grain.ProcessAsync(message with { Attempt = 1 }, receipt: null);
        var direct = await fixture.Client(0).SendAsync(agent, message, Ct);

        Assert.Equal(HistoryOutcome.Handled, first.Outcome);
        Assert.Equal(HistoryOutcome.Duplicate, again.Outcome);
        Assert.Equal(HistoryOutcome.Duplicate, direct.Outcome);
        Assert.Equal([message.Id], (await StateAsync(agent)).Received);
    }

    [Fact]
    public async Task Delivery_IsRecordedAsProcessedOnce_ByItsOwnRowOnATransportTheTurnSettles()
    {
        var agent = await RegisterAsync();
        var message = Message("note") with { Target = agent };

        await Bus.SendAsync(message, Ct);
        Assert.Equal("delivered", await _settled.WaitAsync(message.Id, agent));

        // On the embedded transport the row marked delivered in the turn's transaction is the processed mark: no separate one is
        // written. Another transport's message gets one, in the turn's transaction.
        var database = fixture.Silo(0).GetRequiredService<SqliteDatabase>();
        var marks = await database.ReadAsync(
            (connection, _) =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT count(*) FROM agent_processed WHERE message_id = $m;";
                command.Parameters.AddWithValue("$m", message.Id);
                return Task.FromResult((long)command.ExecuteScalar()!);
            },
            Ct);
        Assert.Equal(fixture.Silo(0).GetRequiredService<IMessageTransport>() is ITurnSettledTransport ? 0 : 1, marks);
        Assert.Equal(MessageStatus.Delivered, Assert.Single(await Bus.GetAsync(message.Id, Ct)).Status);
        Assert.True(await fixture.Silo(0).GetRequiredService<IProcessedMessageLog>().ContainsAsync(agent, message.Id, Ct));
    }

    [Fact]
    public async Task Receipt_ThatMayBeProcessed_IsCheckedAgainstTheProcessedLog()
    {
        var agent = await RegisterAsync();
        var grain = fixture.Cluster.GrainFactory.GetGrain<IAgentGrain>(agent.Value);
        var message = Bus.Prepare(Message("note") with { Target = agent });

        var first = await grain.ProcessAsync(message, receipt: null);
        var recovered = await grain.ProcessAsync(message with { Attempt = 1 }, new DeliveryReceipt(long.MaxValue, 2, MayBeProcessed: true));

        Assert.Equal(HistoryOutcome.Handled, first.Outcome);
        Assert.Equal(HistoryOutcome.Duplicate, recovered.Outcome);
        Assert.False(recovered.Settled);
        Assert.Equal([message.Id], (await StateAsync(agent)).Received);
    }

    [Fact]
    public async Task Inbox_IsServedByPriority_CriticalBeforeNormalBeforeLow_FifoWithinAPriority()
    {
        var agent = await RegisterAsync();
        var gate = await HoldAsync(agent);
        var low = await SendFromAsync(agent, "a", MessagePriority.Low);
        var normal1 = await SendFromAsync(agent, "b", MessagePriority.Normal);
        var critical = await SendFromAsync(agent, "c", MessagePriority.Critical);
        var normal2 = await SendFromAsync(agent, "d", MessagePriority.Normal);
        var high = await SendFromAsync(agent, "e", MessagePriority.High);

        gate.Open();
        await _settled.WaitAsync(low, agent);

        Assert.Equal([gate.MessageId, critical, high, normal1, normal2, low], (await StateAsync(agent)).Received);
    }

    [Fact]
    public async Task Conversation_IsDeliveredInOrderWhateverThePriorities()
    {
        var agent = await RegisterAsync();
        var gate = await HoldAsync(agent);
        var conversation = "conv-" + Guid.NewGuid().ToString("N");
        var ids = new List<string>();
        foreach (var priority in new[] { MessagePriority.Low, MessagePriority.Critical, MessagePriority.Normal })
        {
            ids.Add((await Bus.SendAsync(Message("note") with { Target = agent, Priority = priority, ConversationId = conversation, Source = "someone-" + ids.Count }, Ct)).MessageId);
        }

        gate.Open();
        await _settled.WaitAsync(ids[^1], agent);

        Assert.Equal([gate.MessageId, .. ids], (await StateAsync(agent)).Received);
    }

    [Fact]
    public async Task FullInbox_ShedsLowestPriorityFirst_AndRefusesWhatItCannotPlace()
    {
        using var deadLettered = new MetricCollector<long>(KernelDiagnostics.Meter, "aos.bus.messages.dead_lettered");
        var agent = await RegisterAsync();
        var gate = await HoldAsync(agent);
        var lows = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            lows.Add(await SendFromAsync(agent, "low-" + i, MessagePriority.Low));
        }

        var refused = await Assert.ThrowsAsync<InboxFullException>(() => SendFromAsync(agent, "one-more", MessagePriority.Low));
        var critical = await SendFromAsync(agent, "urgent", MessagePriority.Critical);

        Assert.Equal(agent.Value, refused.Recipient);
        Assert.True(refused.RetryAfter > TimeSpan.Zero);
        Assert.Contains("is full", refused.Message, StringComparison.Ordinal);
        Assert.Equal(8, Bus.GetInboxDepth(agent));
        var shed = lows[^1];
        var shedRecord = Assert.Single(await Bus.GetAsync(shed, Ct));
        Assert.Equal(MessageStatus.DeadLettered, shedRecord.Status);
        Assert.Equal(DeadLetterReasons.Shed, shedRecord.Reason);
        Assert.Contains(deadLettered.GetMeasurementSnapshot(), m => (string?)m.Tags["aos.reason"] == DeadLetterReasons.Shed);

        gate.Open();
        await _settled.WaitAsync(lows[^2], agent);
        var received = (await StateAsync(agent)).Received;
        Assert.Equal([gate.MessageId, critical, .. lows[..^1]], received);
    }

    [Fact]
    public async Task ExpiredMessage_IsDeadLetteredAsExpired_AndNeverProcessed()
    {
        var agent = await RegisterAsync();
        var now = Bus.TimeProvider.GetUtcNow();
        var message = Bus.Prepare(Message("note") with { Target = agent }) with { ExpiresAt = now.AddSeconds(-1) };

        await fixture.Silo(0).GetRequiredService<IMessageTransport>().EnqueueAsync([TransportMessage.For(message, agent)], cancellationToken: Ct);

        Assert.Equal(DeadLetterReasons.Expired, await _settled.WaitAsync(message.Id, agent));
        Assert.Empty((await StateAsync(agent)).Received);
    }

    [Fact]
    public async Task UnknownTarget_IsDeadLettered_AndReplayDeliversItOnceTheAgentExists()
    {
        var ghost = AgentId.Parse("ghost-" + Guid.NewGuid().ToString("N"));
        var receipt = await Bus.SendAsync(Message("note") with { Target = ghost }, Ct);
        Assert.Equal(DeadLetterReasons.TargetNotFound, await _settled.WaitAsync(receipt.MessageId, ghost));
        var dead = await Bus.ListDeadLettersAsync(null, 1000, cancellationToken: Ct);
        Assert.Contains(dead.Items, r => r.Envelope.Id == receipt.MessageId && r.Reason == DeadLetterReasons.TargetNotFound);

        await RegisterAsync(ghost.Value);
        var replayed = new Settlements(fixture.Silo(0).GetRequiredService<MessageDispatcher>());
        Assert.Equal(1, await Bus.ReplayAsync(receipt.MessageId, cancellationToken: Ct));

        Assert.Equal("delivered", await replayed.WaitAsync(receipt.MessageId, ghost));
        Assert.Equal([receipt.MessageId], (await StateAsync(ghost)).Received);
        Assert.Equal(MessageStatus.Delivered, Assert.Single(await Bus.GetAsync(receipt.MessageId, Ct)).Status);
        replayed.Dispose();
    }

    private async Task<AgentId> RegisterAsync(
        string? id = null, IReadOnlyList<string>? subscriptions = null, IReadOnlyList<string>? messageTypes = null, AgentGrants? grants = null, string tenant = AosTenants.Default)
    {
        var descriptors = await Registry.RegisterAsync(
            [
                new AgentRegistration
                {
                    Id = id ?? "bus-" + Guid.NewGuid().ToString("N"),
                    Type = BusAgent.TypeName,
                    Subscriptions = subscriptions,
                    MessageTypes = messageTypes,
                    Grants = grants,
                },
            ],
            tenant,
            Ct);
        return descriptors[0].Id;
    }

    private Envelope Message(string type, object? payload = null) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Type = type,
        Source = "test",
        Payload = payload is null ? null : JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web),
    };

    private async Task<string> SendFromAsync(AgentId agent, string source, MessagePriority priority) =>
        (await Bus.SendAsync(Message("note") with { Target = agent, Source = source, Priority = priority }, Ct)).MessageId;

    /// <summary>Sends a "wait" message and returns once the agent is inside it, so that later messages queue in its inbox.</summary>
    private async Task<Gate> HoldAsync(AgentId agent)
    {
        var name = Guid.NewGuid().ToString("N");
        var entered = BusAgent.EnteredFor(name);
        var receipt = await Bus.SendAsync(Message("wait", new { name }) with { Target = agent, Source = "gatekeeper" }, Ct);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        return new Gate(receipt.MessageId, BusAgent.GateFor(name));
    }

    private async Task<BusState> StateAsync(AgentId agent)
    {
        var client = fixture.Client(0);
        var reply = await client.RequestAsync(agent, client.CreateMessage("get", null), cancellationToken: Ct);
        return reply!.Value.Deserialize<BusState>(JsonSerializerOptions.Web)!;
    }

    private sealed record Gate(string MessageId, TaskCompletionSource Signal)
    {
        public void Open() => Signal.TrySetResult();
    }
}
