using Aos.Conformance;
using Aos.Messaging;
using Aos.Nats.Messaging;
using Aos.TestSupport;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Aos.Nats.Tests.Messaging;

/// <summary>Runs the transport conformance kit on NATS JetStream, each test on its own stream and bucket.</summary>
public class NatsMessageTransportTests : MessageTransportConformanceTests
{
    private NatsMessageTransport? _transport;
    private bool _used;

    public NatsMessageTransportTests()
        : this(TestNats.Url, replicas: 1)
    {
    }

    /// <summary>Initializes the kit on a server and a number of replicas of the transport's bucket.</summary>
    protected NatsMessageTransportTests(string url, int replicas)
    {
        NatsOptions = new() { Url = url, StreamPrefix = "AOSTEST_" + Guid.NewGuid().ToString("N")[..12], Replicas = replicas };
    }

    protected NatsMessageTransportOptions NatsOptions { get; }

    public override async ValueTask InitializeAsync()
    {
        await RequireServerAsync();
        _used = true;
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_used)
        {
            await TestNats.DeleteAsync([NatsOptions.StreamPrefix + "_MESSAGES"], [NatsOptions.StreamPrefix + "_LEDGER"], NatsOptions.Url);
        }
    }

    /// <summary>Skips or fails the test when the server it runs on does not answer.</summary>
    protected virtual Task RequireServerAsync() => TestNats.RequireAsync();

    protected override ValueTask<IMessageTransport> CreateTransportAsync()
    {
        _transport = new NatsMessageTransport(NatsOptions, Options, Time);
        return ValueTask.FromResult<IMessageTransport>(_transport);
    }

    protected override async ValueTask<IMessageTransport> RestartTransportAsync()
    {
        await DisposeTransportAsync();
        return await CreateTransportAsync();
    }

    protected override async ValueTask DisposeTransportAsync()
    {
        if (_transport is not null)
        {
            await _transport.DisposeAsync();
            _transport = null;
        }
    }

    [Fact]
    public async Task Enqueue_OfADeliveredMessageAfterARestart_IsStillDuplicate()
    {
        Assert.Equal([EnqueueOutcome.Accepted], await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));
        var received = Assert.Single(await ReceiveAllAsync());
        await Transport.CompleteAsync(received, Ct);
        await RestartAsync();

        Assert.Equal([EnqueueOutcome.Duplicate], await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));
        Assert.True(await NothingReadyAsync());
    }

    // The timeout catches a prune that does not end: 300 of them take about three seconds, and the watch that hung took up to a minute to give up.
    [Fact(Timeout = 30_000)]
    public async Task PruneDelivered_WhileAnotherEntryIsRewritten_EndsAndRemovesTheOldDeliveredMessage()
    {
        // On NATS 2.9 a watch over keys that are rewritten meanwhile can count one entry more to come for ever. A node under load settles
        // messages all through its prune, as the rewrites of "busy" stand for here.
        var retention = Assert.IsAssignableFrom<IMessageRetention>(Transport);
        await Transport.EnqueueAsync([Message("busy", "r9")], cancellationToken: Ct);
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = NatsOptions.Url });
        var ledger = await new NatsKVContext(new NatsJSContext(connection)).GetStoreAsync(NatsOptions.StreamPrefix + "_LEDGER", Ct);
        var key = NatsMessageTransport.KeyOf("busy", "r9");
        var entry = await ledger.GetEntryAsync<byte[]>(key, cancellationToken: Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var rewriting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await ledger.PutAsync(key, entry.Value, cancellationToken: CancellationToken.None);
            }
        }, CancellationToken.None);

        await Transport.EnqueueAsync([Message("old")], cancellationToken: Ct);
        await Transport.CompleteAsync((await ReceiveAllAsync()).Single(m => m.Envelope.Id == "old"), Ct);
        await AdvanceAsync(TimeSpan.FromHours(25));
        var removed = new List<int>();
        for (var round = 0; round < 300; round++)
        {
            removed.Add(await retention.PruneDeliveredAsync(Time.GetUtcNow().AddHours(-24), Ct));
        }

        await stop.CancelAsync();
        await rewriting;
        Assert.Equal([1, .. Enumerable.Repeat(0, 299)], removed);
        Assert.Empty(await Ledger.GetAsync("old", Ct));
        Assert.Equal(MessageStatus.Pending, Assert.Single(await Ledger.GetAsync("busy", Ct)).Status);
    }

    [Fact]
    public async Task PruneDelivered_LeavesNothingOfTheMessagesItForgets_NorOfAReplayedDeadLetter()
    {
        // A node runs for years: every message it carried, delivered and pruned, must leave nothing behind in the bucket.
        var retention = Assert.IsAssignableFrom<IMessageRetention>(Transport);
        await Transport.EnqueueAsync([Message("m1"), Message("m2", "r2")], cancellationToken: Ct);
        var received = await ReceiveAllAsync();
        await Transport.CompleteAsync(received.Single(m => m.Envelope.Id == "m1"), Ct);
        await Transport.DeadLetterAsync(received.Single(m => m.Envelope.Id == "m2"), DeadLetterReasons.MaxAttempts, "boom", Ct);
        Assert.Equal(1, await Ledger.ReplayAsync("m2", Time.GetUtcNow().AddMinutes(5), tenant: null, Ct));
        await Transport.CompleteAsync(Assert.Single(await ReceiveAllAsync()), Ct);
        await AdvanceAsync(TimeSpan.FromHours(25));

        Assert.Equal(2, await retention.PruneDeliveredAsync(Time.GetUtcNow().AddHours(-24), Ct));

        var state = await LedgerStateAsync();
        Assert.Equal(0, state.Messages);
        Assert.Equal(0, state.NumSubjects);
        Assert.Empty(await Ledger.GetAsync("m1", Ct));
        Assert.Equal([EnqueueOutcome.Accepted], await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));
    }

    [Fact]
    public async Task PruneDelivered_RemovesTheMarkersEarlierVersionsLeft_ButNotAKeyWrittenAgain()
    {
        // Earlier versions deleted and purged ledger keys through the key-value API, which leaves a marker per key for ever.
        await Transport.EnqueueAsync([Message("live")], cancellationToken: Ct);
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = NatsOptions.Url });
        var ledger = await new NatsKVContext(new NatsJSContext(connection)).GetStoreAsync(NatsOptions.StreamPrefix + "_LEDGER", Ct);
        var purged = NatsMessageTransport.KeyOf("old-purged", "r1");
        var deleted = NatsMessageTransport.KeyOf("old-deleted", "r1");
        await ledger.PurgeAsync(purged, cancellationToken: Ct);
        await ledger.DeleteAsync(deleted, cancellationToken: Ct);
        Assert.Equal(3, (await LedgerStateAsync()).Messages);

        Assert.Equal(0, await Assert.IsAssignableFrom<IMessageRetention>(Transport).PruneDeliveredAsync(Time.GetUtcNow().AddHours(-24), Ct));

        var state = await LedgerStateAsync();
        Assert.Equal(1, state.Messages);
        Assert.Equal(MessageStatus.Pending, Assert.Single(await Ledger.GetAsync("live", Ct)).Status);
        Assert.Equal([EnqueueOutcome.Accepted], await Transport.EnqueueAsync([Message("old-purged")], cancellationToken: Ct));
    }

    private async Task<NATS.Client.JetStream.Models.StreamState> LedgerStateAsync()
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = NatsOptions.Url });
        return (await new NatsJSContext(connection).GetStreamAsync("KV_" + NatsOptions.StreamPrefix + "_LEDGER", cancellationToken: Ct)).Info.State;
    }
}
