using System.Text.Json;
using Aos.Messaging;
using Aos.Nats.Messaging;
using Aos.TestSupport;
using Microsoft.Extensions.Time.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Aos.Nats.Tests.Messaging;

/// <summary>
/// Nodes of one cluster on a real NATS server: a node lost for good has its messages taken over by another, which delivers them, lists
/// its dead letters and answers for its delivered ones; a live node, or one that comes back, keeps its own.
/// </summary>
public class NatsAdoptionTests : IAsyncLifetime
{
    private static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(30);

    private readonly string _url;
    private readonly int _replicas;
    private readonly string _run = Guid.NewGuid().ToString("N")[..10];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));
    private readonly MessageBusOptions _bus = new() { InboxCapacity = 100, MaxDeliveryBatch = 1 };
    private readonly MessageBusOptions _weekWindow = new() { InboxCapacity = 100, MaxDeliveryBatch = 1, DeduplicationWindow = TimeSpan.FromDays(7) };
    private readonly List<NatsMessageTransport> _transports = [];
    private readonly HashSet<string> _prefixes = new(StringComparer.Ordinal);
    private bool _used;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public NatsAdoptionTests()
        : this(TestNats.Url, replicas: 1)
    {
    }

    /// <summary>Initializes the tests on a server and a number of replicas of the nodes' buckets.</summary>
    protected NatsAdoptionTests(string url, int replicas)
    {
        _url = url;
        _replicas = replicas;
    }

    private string Cluster => "AOSTESTCL_" + _run;

    public async ValueTask InitializeAsync()
    {
        await RequireServerAsync();
        _used = true;
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        foreach (var transport in _transports)
        {
            await transport.DisposeAsync();
        }

        if (_used)
        {
            foreach (var prefix in _prefixes)
            {
                await TestNats.DeleteAsync([prefix + "_MESSAGES"], [prefix + "_LEDGER"], _url);
            }

            await TestNats.DeleteAsync([Cluster + "_NO_STREAM"], [Cluster + "_NODES"], _url);
        }
    }

    [Fact]
    public async Task LostNode_ItsPendingDeadAndDeliveredMessages_MoveToTheNodeThatSawItsLeaseExpire()
    {
        var a = Node("A");
        var b = Node("B");
        Assert.Equal(0, await b.RenewAndAdoptAsync(Ct));

        // On A: m1 delivered, m5 dead-lettered, m4 failed once, m2 and m3 waiting behind each other in r1's lane.
        await a.EnqueueAsync([Message("m1", "r1"), Message("m2", "r1"), Message("m3", "r1"), Message("m4", "r2"), Message("m5", "r3")], cancellationToken: Ct);
        var first = await ReceiveAsync(a, 3);
        Assert.Equal(["m1", "m4", "m5"], first.Select(m => m.Envelope.Id).Order(StringComparer.Ordinal));
        await a.CompleteAsync(first.Single(m => m.Envelope.Id == "m1"), Ct);
        await a.RetryAsync(first.Single(m => m.Envelope.Id == "m4"), TimeSpan.Zero, "boom", Ct);
        await a.DeadLetterAsync(first.Single(m => m.Envelope.Id == "m5"), DeadLetterReasons.MaxAttempts, "failed 10 times", Ct);

        // A is lost: its lease is no longer renewed. B takes over once it has seen the same lease revision for the lease timeout.
        await a.DisposeAsync();
        _transports.Remove(a);
        Assert.Equal(0, await b.RenewAndAdoptAsync(Ct));
        _time.Advance(LeaseTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await b.RenewAndAdoptAsync(Ct));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, await b.RenewAndAdoptAsync(Ct));
        Assert.Equal(3, b.RecoveredCount); // m2, m3, m4: the pending ones, handed out again by B

        // Pending messages are handed out by B in their lane's order, with their attempt counts.
        var handed = await ReceiveAsync(b, 2);
        Assert.Equal(["m2", "m4"], handed.Select(m => m.Envelope.Id).Order(StringComparer.Ordinal));
        Assert.Equal(1, handed.Single(m => m.Envelope.Id == "m4").Attempts);
        Assert.Equal("r2", handed.Single(m => m.Envelope.Id == "m4").Recipient.Value);
        foreach (var message in handed)
        {
            await b.CompleteAsync(message, Ct);
        }

        var third = Assert.Single(await ReceiveAsync(b, 1));
        Assert.Equal("m3", third.Envelope.Id);
        await b.CompleteAsync(third, Ct);

        // B answers for A's delivered message, lists and replays its dead letter, and recognises its ids as duplicates.
        var delivered = Assert.Single(await b.GetAsync("m1", Ct));
        Assert.Equal(MessageStatus.Delivered, delivered.Status);
        var dead = Assert.Single((await b.ListDeadLettersAsync(null, 10, Ct)).Items);
        Assert.Equal(("m5", DeadLetterReasons.MaxAttempts, "failed 10 times"), (dead.Envelope.Id, dead.Reason, dead.LastError));
        Assert.Equal([EnqueueOutcome.Duplicate], await b.EnqueueAsync([Message("m1", "r1")], cancellationToken: Ct));
        Assert.Equal(1, await b.ReplayAsync("m5", null, tenant: null, Ct));
        Assert.Equal("m5", Assert.Single(await ReceiveAsync(b, 1)).Envelope.Id);

        // Nothing of A is left behind: no entry or marker in its ledger, and only B's lease among the leases.
        Assert.Equal((0L, 0L), await StreamStateAsync("KV_" + Prefix("A") + "_LEDGER"));
        Assert.Equal((1L, 1L), await StreamStateAsync("KV_" + Cluster + "_NODES"));

        // A's stream and ledger are empty: A started again with its prefix has nothing of its own, and takes its lease back.
        var again = Node("A");
        Assert.Equal(0, await again.RenewAndAdoptAsync(Ct));
        Assert.Equal(0, again.PendingCount);
        Assert.Empty((await again.ListDeadLettersAsync(null, 10, Ct)).Items);
        _time.Advance(LeaseTimeout);
        Assert.Equal(0, await b.RenewAndAdoptAsync(Ct));
        Assert.Equal(0, await again.RenewAndAdoptAsync(Ct));
    }

    [Fact]
    public async Task LiveNode_RenewingItsLease_IsNeverTakenOver()
    {
        var a = Node("A");
        var b = Node("B");
        await a.EnqueueAsync([Message("m1", "r1"), Message("m2", "r2")], cancellationToken: Ct);
        for (var round = 0; round < 6; round++)
        {
            Assert.Equal(0, await a.RenewAndAdoptAsync(Ct));
            Assert.Equal(0, await b.RenewAndAdoptAsync(Ct));
            _time.Advance(LeaseTimeout);
        }

        Assert.Equal(0, b.PendingCount);
        Assert.Equal(["m1", "m2"], (await ReceiveAsync(a, 2)).Select(m => m.Envelope.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TwoSurvivors_TakeOverALostNode_EachMessageMovesOnce()
    {
        var a = Node("A");
        var b = Node("B");
        var c = Node("C");
        var ids = Enumerable.Range(0, 20).Select(i => $"m{i:D2}").ToList();
        await a.EnqueueAsync([.. ids.Select((id, i) => Message(id, $"r{i}"))], cancellationToken: Ct);
        await a.DisposeAsync();
        _transports.Remove(a);
        await b.RenewAndAdoptAsync(Ct);
        await c.RenewAndAdoptAsync(Ct);
        _time.Advance(LeaseTimeout);

        var moved = await Task.WhenAll(b.RenewAndAdoptAsync(Ct).AsTask(), c.RenewAndAdoptAsync(Ct).AsTask());

        Assert.Equal(20, moved.Sum());
        Assert.Contains(0, moved);
        var handed = new List<string>();
        foreach (var (node, count) in new[] { (b, moved[0]), (c, moved[1]) }.Where(n => n.Item2 > 0))
        {
            handed.AddRange((await ReceiveAsync(node, count)).Select(m => m.Envelope.Id));
        }

        Assert.Equal(ids, handed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task LostNode_ThatComesBackBeforeTheClaim_KeepsItsMessages()
    {
        var a = Node("A");
        var b = Node("B");
        await a.EnqueueAsync([Message("m1", "r1")], cancellationToken: Ct);
        await a.DisposeAsync();
        _transports.Remove(a);
        await b.RenewAndAdoptAsync(Ct);
        _time.Advance(LeaseTimeout);

        // A starts again with its prefix (and renews its lease) after B last saw the lease, before B's next round.
        var again = Node("A");
        Assert.Equal(0, await again.RenewAndAdoptAsync(Ct));

        Assert.Equal(0, await b.RenewAndAdoptAsync(Ct));
        Assert.Equal("m1", Assert.Single(await ReceiveAsync(again, 1)).Envelope.Id);
        Assert.Equal(0, b.PendingCount);
    }

    [Fact]
    public async Task StatusRead_FindsAMessageThroughAnyNodeOfTheCluster_AndOnlyThere()
    {
        var a = Node("A");
        var b = Node("B");
        var alone = Node("X", cluster: null);
        await a.EnqueueAsync([Message("m1", "r1"), Message("m1", "r2")], cancellationToken: Ct);

        var records = await b.GetAsync("m1", Ct);

        Assert.Equal(["r1", "r2"], records.Select(r => r.Recipient.Value).Order(StringComparer.Ordinal));
        Assert.All(records, r => Assert.Equal(MessageStatus.Pending, r.Status));
        Assert.Empty(await b.GetAsync("unknown", Ct));
        Assert.Empty(await alone.GetAsync("m1", Ct));
    }

    // The timeout catches reads that do not end: the 200 take about two seconds; with the watch they did not end.
    [Fact(Timeout = 60_000)]
    public async Task StatusRead_ThroughAnotherNode_FindsTheMessage_WhileItsEntryIsRewrittenAndItsNodeRenewsItsLease()
    {
        // A watch over keys is no snapshot on NATS 2.9: a key updated while the watch starts can be left out of it. Here the lease of the
        // node that holds the message, and the message's entry, are written again all through the reads, as renewals and settlements are.
        var a = Node("A");
        var b = Node("B");
        await b.EnqueueAsync([Message("m1", "r1")], cancellationToken: Ct);
        await a.RenewAndAdoptAsync(Ct);
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = _url });
        var keyValues = new NatsKVContext(new NatsJSContext(connection));
        var leases = await keyValues.GetStoreAsync(Cluster + "_NODES", Ct);
        var ledger = await keyValues.GetStoreAsync(Prefix("B") + "_LEDGER", Ct);
        var key = NatsMessageTransport.KeyOf("m1", "r1");
        var lease = await leases.GetEntryAsync<string>(Prefix("B"), cancellationToken: Ct);
        var entry = await ledger.GetEntryAsync<byte[]>(key, cancellationToken: Ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var writes = 0;
        var rewritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rewriting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await leases.PutAsync(Prefix("B"), lease.Value, cancellationToken: CancellationToken.None);
                await ledger.PutAsync(key, entry.Value, cancellationToken: CancellationToken.None);
                writes++;
                rewritten.TrySetResult();
            }
        }, CancellationToken.None);

        // The reads start once the rewrites have: on a starved thread pool the loop could otherwise begin after the last read.
        await rewritten.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var found = new List<int>();
        for (var read = 0; read < 200; read++)
        {
            found.Add((await a.GetAsync("m1", Ct)).Count);
        }

        await stop.CancelAsync();
        await rewriting;
        Assert.True(writes > 0, "Nothing was written during the reads.");
        Assert.True(found.All(count => count == 1), $"{found.Count(count => count != 1)} of {found.Count} reads through A did not find m1 exactly once ({writes} rewrites).");
    }

    [Fact]
    public async Task DeadLetters_AreListedAndReplayedThroughAnyNodeOfTheCluster()
    {
        var a = Node("A");
        var b = Node("B");
        var alone = Node("X", cluster: null);
        // One at a time: messages to different recipients of one batch are stored concurrently, in no set order.
        await a.EnqueueAsync([Message("m1", "r1")], cancellationToken: Ct);
        await a.EnqueueAsync([Message("m2", "r2")], cancellationToken: Ct);
        foreach (var message in await ReceiveAsync(a, 2))
        {
            await a.DeadLetterAsync(message, DeadLetterReasons.MaxAttempts, "boom", Ct);
        }

        await b.EnqueueAsync([Message("m3", "r3")], cancellationToken: Ct);
        await b.DeadLetterAsync(Assert.Single(await ReceiveAsync(b, 1)), DeadLetterReasons.Expired, null, Ct);

        // Node after node, each oldest first, whichever node is asked.
        var first = await b.ListDeadLettersAsync(null, 2, Ct);
        var rest = await b.ListDeadLettersAsync(first.Next, 2, Ct);
        Assert.Equal(["m1", "m2"], first.Items.Select(r => r.Envelope.Id));
        Assert.Equal(["m3"], rest.Items.Select(r => r.Envelope.Id));
        Assert.Null(rest.Next);
        Assert.Equal(["m1", "m2", "m3"], (await a.ListDeadLettersAsync(null, 10, Ct)).Items.Select(r => r.Envelope.Id));
        Assert.Empty((await alone.ListDeadLettersAsync(null, 10, Ct)).Items);
        Assert.Equal("after", (await Assert.ThrowsAsync<AosValidationException>(async () => await b.ListDeadLettersAsync("12", 2, Ct))).Field);

        // A's dead letter replayed through B moves to B, which hands it out.
        Assert.Equal(1, await b.ReplayAsync("m1", null, tenant: null, Ct));
        Assert.Equal("m1", Assert.Single(await ReceiveAsync(b, 1)).Envelope.Id);
        Assert.Equal(0, a.PendingCount);
        Assert.Equal(["m2", "m3"], (await a.ListDeadLettersAsync(null, 10, Ct)).Items.Select(r => r.Envelope.Id));
        Assert.Equal(MessageStatus.Pending, Assert.Single(await a.GetAsync("m1", Ct)).Status);
    }

    [Fact]
    public async Task Prune_RemovesTheMarkerAnEarlierVersionLeftForANodeItTookOver_AndKeepsTheLiveLeases()
    {
        var a = Node("A");
        var b = Node("B");
        Assert.Equal(0, await a.RenewAndAdoptAsync(Ct));
        Assert.Equal(0, await b.RenewAndAdoptAsync(Ct));

        // Earlier versions deleted a lost node's lease through the key-value API, which leaves a marker for ever.
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = _url });
        var leases = await new NatsKVContext(new NatsJSContext(connection)).GetStoreAsync(Cluster + "_NODES", Ct);
        await leases.PutAsync(Prefix("GONE"), "instance", cancellationToken: Ct);
        await leases.DeleteAsync(Prefix("GONE"), cancellationToken: Ct);
        Assert.Equal((3L, 3L), await StreamStateAsync("KV_" + Cluster + "_NODES"));

        await a.PruneDeliveredAsync(_time.GetUtcNow().AddHours(-24), Ct);

        Assert.Equal((2L, 2L), await StreamStateAsync("KV_" + Cluster + "_NODES"));
        Assert.Equal(0, await b.RenewAndAdoptAsync(Ct));
        Assert.Equal(0, await a.RenewAndAdoptAsync(Ct));
    }

    [Fact]
    public async Task Prune_ReadsUpToTheFirstEntryWrittenSinceTheCutoff_AndRemovesAMessageTakenOverOutOfOrderLater()
    {
        // A prune must not read the day of traffic delivered since its cutoff: it reads the ledger in the order it was written and stops
        // at the first entry newer than the cutoff. A message taken over from a lost node keeps its time but is written later, so a later
        // prune removes it. (B's window is a week, so that none of these prunes is the whole read it makes once per window.)
        var b = await TakeOverOutOfOrderAsync(_weekWindow);

        _time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(1, await b.PruneDeliveredAsync(_time.GetUtcNow().AddHours(-24), Ct));
        Assert.Empty(await b.GetAsync("b-old", Ct));
        Assert.Equal(MessageStatus.Delivered, Assert.Single(await b.GetAsync("lost-1", Ct)).Status);
        Assert.Equal(MessageStatus.Delivered, Assert.Single(await b.GetAsync("b-new", Ct)).Status);

        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(2, await b.PruneDeliveredAsync(_time.GetUtcNow().AddHours(-24), Ct));
        Assert.Empty(await b.GetAsync("lost-1", Ct));
        Assert.Empty(await b.GetAsync("b-new", Ct));
        Assert.Equal((0L, 0L), await StreamStateAsync("KV_" + Prefix("B") + "_LEDGER"));
    }

    [Fact]
    public async Task Prune_PassesOverAnEntryStampedAheadOfNow_AndRemovesTheOlderOnesWrittenAfterIt()
    {
        // A node whose clock ran ten days ahead stamped its entries then; once taken over they must not hold up every prune for ten days.
        var ahead = new FakeTimeProvider(_time.GetUtcNow().AddDays(10));
        var a = Node("A", time: ahead);
        var b = Node("B", bus: _weekWindow);
        Assert.Equal(0, await b.RenewAndAdoptAsync(Ct));
        await DeliverAsync(a, "ahead-1", "r1");
        await a.DisposeAsync();
        _transports.Remove(a);
        Assert.Equal(0, await b.RenewAndAdoptAsync(Ct));
        _time.Advance(LeaseTimeout);
        Assert.Equal(1, await b.RenewAndAdoptAsync(Ct));
        await DeliverAsync(b, "b-old", "r2");

        _time.Advance(TimeSpan.FromHours(25));
        Assert.Equal(1, await b.PruneDeliveredAsync(_time.GetUtcNow().AddHours(-24), Ct));

        Assert.Empty(await b.GetAsync("b-old", Ct));
        Assert.Equal(MessageStatus.Delivered, Assert.Single(await b.GetAsync("ahead-1", Ct)).Status);
    }

    [Fact]
    public async Task Prune_ReadsTheWholeLedgerOncePerWindow_SoAMessageTakenOverOutOfOrderIsRemovedByThen()
    {
        // However far out of order an entry is (a lost node's clock ran ahead, then the message moved), the whole read each prune makes
        // once per de-duplication window, counted from the transport's start, bounds how late it is removed.
        var b = await TakeOverOutOfOrderAsync(_bus);

        // 23 hours after B started: the read stops at b-new, as lost-1 was moved after it.
        _time.Advance(TimeSpan.FromHours(21));
        Assert.Equal(1, await b.PruneDeliveredAsync(_time.GetUtcNow().AddHours(-22), Ct));
        Assert.Empty(await b.GetAsync("b-old", Ct));
        Assert.Equal(MessageStatus.Delivered, Assert.Single(await b.GetAsync("lost-1", Ct)).Status);

        // A window (24 hours) after B started: the whole ledger is read, and lost-1 goes although b-new is still kept.
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await b.PruneDeliveredAsync(_time.GetUtcNow().AddHours(-22), Ct));
        Assert.Empty(await b.GetAsync("lost-1", Ct));
        Assert.Equal(MessageStatus.Delivered, Assert.Single(await b.GetAsync("b-new", Ct)).Status);
    }

    [Fact]
    public async Task OutsideACluster_RenewAndAdopt_DoesNothing()
    {
        var alone = Node("X", cluster: null);

        Assert.Equal(0, await alone.RenewAndAdoptAsync(Ct));
        _time.Advance(LeaseTimeout);
        Assert.Equal(0, await alone.RenewAndAdoptAsync(Ct));
    }

    private async Task<(long Messages, long Subjects)> StreamStateAsync(string stream)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = _url });
        var state = (await new NatsJSContext(connection).GetStreamAsync(stream, cancellationToken: Ct)).Info.State;
        return (state.Messages, state.NumSubjects);
    }

    /// <summary>Skips or fails the test when the server it runs on does not answer.</summary>
    protected virtual Task RequireServerAsync() => TestNats.RequireAsync();

    private string Prefix(string name) => $"AOSTESTCL_{_run}_{name}";

    private NatsMessageTransport Node(string name, string? cluster = "", TimeProvider? time = null, MessageBusOptions? bus = null)
    {
        var prefix = Prefix(name);
        _prefixes.Add(prefix);
        var transport = new NatsMessageTransport(
            new NatsMessageTransportOptions { Url = _url, StreamPrefix = prefix, Cluster = cluster == "" ? Cluster : cluster, LeaseTimeout = LeaseTimeout, Replicas = _replicas },
            bus ?? _bus,
            time ?? _time);
        _transports.Add(transport);
        return transport;
    }

    private TransportMessage Message(string id, string recipient) => NatsTestMessages.Message(_time, id, recipient);

    /// <summary>
    /// Sets up a ledger written out of time order: at T, A delivers lost-1 and B delivers b-old; A is lost; at T + 2 h, B delivers b-new and
    /// then takes lost-1 over, which keeps its time T but is written after b-new.
    /// </summary>
    /// <returns>Node B.</returns>
    private async Task<NatsMessageTransport> TakeOverOutOfOrderAsync(MessageBusOptions bus)
    {
        var a = Node("A");
        var b = Node("B", bus: bus);
        Assert.Equal(0, await b.RenewAndAdoptAsync(Ct));
        await DeliverAsync(a, "lost-1", "r1");
        await DeliverAsync(b, "b-old", "r2");
        await a.DisposeAsync();
        _transports.Remove(a);
        Assert.Equal(0, await b.RenewAndAdoptAsync(Ct));

        _time.Advance(TimeSpan.FromHours(2));
        await DeliverAsync(b, "b-new", "r2");
        Assert.Equal(1, await b.RenewAndAdoptAsync(Ct));
        return b;
    }

    private async Task DeliverAsync(NatsMessageTransport node, string id, string recipient)
    {
        Assert.Equal([EnqueueOutcome.Accepted], await node.EnqueueAsync([Message(id, recipient)], cancellationToken: Ct));
        await node.CompleteAsync(Assert.Single(await ReceiveAsync(node, 1)), Ct);
    }

    private static Task<List<TransportMessage>> ReceiveAsync(NatsMessageTransport transport, int count) => NatsTestMessages.ReceiveAsync(transport, count, Ct);
}
