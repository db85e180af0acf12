using Aos.Conformance;
using Aos.Messaging;
using Aos.Storage.Messaging;
using Aos.Storage.Sqlite;
using Orleans.Storage;

namespace Aos.Storage.Tests;

/// <summary>The embedded transport settles a bus message in the turn that processes it (<see cref="ITurnSettledTransport"/>).</summary>
public sealed partial class SqliteGrainStorageTests
{
    [Fact]
    public async Task CommitTurnAsync_WithDeliveries_MarksTheMessagesDeliveredInTheSameTransaction()
    {
        await using var transport = new SqliteMessageTransport(_database!, new MessageBusOptions(), TimeProvider.System);
        var agent = AgentId.Parse("settling-agent");
        var message = await ReceiveOneAsync(transport, agent);
        var receipt = transport.ReceiptFor(message);

        await ((IAgentTurnStore)Storage).CommitTurnAsync(
            StateName,
            NewGrainId(),
            new GrainState<CounterState> { State = new CounterState { Count = 1 } },
            agent,
            new AgentTurnWrites(DateTimeOffset.UtcNow) { Deliveries = [receipt] },
            Ct);
        transport.Settled(message);

        Assert.True(transport.SettlesWith((IAgentTurnStore)Storage));
        Assert.False(receipt.MayBeProcessed);
        var record = Assert.Single(await transport.GetAsync(message.Envelope.Id, Ct));
        Assert.Equal(MessageStatus.Delivered, record.Status);
        Assert.Equal(1, record.Attempts);
        Assert.Equal(0, transport.GetInboxDepth(agent));

        // The delivered row is the processed mark: a resend through any path is recognised.
        Assert.True(await new SqliteProcessedMessageLog(_database!).ContainsAsync(agent, message.Envelope.Id, Ct));
    }

    [Fact]
    public async Task CommitTurnAsync_WithDeliveries_StaleETag_LeavesTheMessagesPending()
    {
        await using var transport = new SqliteMessageTransport(_database!, new MessageBusOptions(), TimeProvider.System);
        var agent = AgentId.Parse("stale-settling-agent");
        var grain = NewGrainId();
        await Storage.WriteStateAsync(StateName, grain, new GrainState<CounterState> { State = new CounterState { Count = 1 } }, Ct);
        var message = await ReceiveOneAsync(transport, agent);

        await Assert.ThrowsAsync<InconsistentStateException>(() => ((IAgentTurnStore)Storage).CommitTurnAsync(
            StateName,
            grain,
            new GrainState<CounterState> { State = new CounterState { Count = 2 } },
            agent,
            new AgentTurnWrites(DateTimeOffset.UtcNow) { Deliveries = [transport.ReceiptFor(message)] },
            Ct));

        Assert.Equal(MessageStatus.Pending, Assert.Single(await transport.GetAsync(message.Envelope.Id, Ct)).Status);
        Assert.False(await new SqliteProcessedMessageLog(_database!).ContainsAsync(agent, message.Envelope.Id, Ct));
    }

    [Fact]
    public async Task ReceiptFor_AMessagePendingBeforeTheTransportStarted_SaysItMayBeProcessed()
    {
        var agent = AgentId.Parse("recovering-agent");
        await using (var before = new SqliteMessageTransport(_database!, new MessageBusOptions(), TimeProvider.System))
        {
            await ReceiveOneAsync(before, agent);
        }

        await using var after = new SqliteMessageTransport(_database!, new MessageBusOptions(), TimeProvider.System);
        var recovered = Assert.Single(await after.ReceiveAsync(10, Ct));
        after.Settled(recovered);
        var fresh = await ReceiveOneAsync(after, agent);

        Assert.True(after.ReceiptFor(recovered).MayBeProcessed);
        Assert.False(after.ReceiptFor(fresh).MayBeProcessed);
    }

    [Fact]
    public async Task SettlesWith_StorageOnAnotherDatabase_IsFalse()
    {
        using var elsewhere = new TempDirectory();
        await using var database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = elsewhere.Path });
        await using var transport = new SqliteMessageTransport(database, new MessageBusOptions(), TimeProvider.System);

        Assert.False(transport.SettlesWith((IAgentTurnStore)Storage));
    }

    private async Task<TransportMessage> ReceiveOneAsync(SqliteMessageTransport transport, AgentId agent)
    {
        var envelope = new Envelope { Id = Guid.CreateVersion7().ToString("N"), Type = "note", Target = agent };
        Assert.Equal([EnqueueOutcome.Accepted], await transport.EnqueueAsync([TransportMessage.For(envelope, agent)], cancellationToken: Ct));
        return Assert.Single(await transport.ReceiveAsync(10, Ct), m => m.Envelope.Id == envelope.Id);
    }
}
