using System.Globalization;
using System.Text.Json;
using Aos.Messaging;
using Aos.Nats.Messaging;
using Aos.TestSupport;
using Microsoft.Extensions.Time.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream.Models;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Aos.Nats.Tests.Messaging;

/// <summary>
/// Ledgers written by the earlier layout, where each envelope was a message of the stream and the ledger entry held its stream sequence:
/// a node rewrites its own on start and loses nothing, and a node taking over such a ledger takes the envelopes from the lost node's stream.
/// </summary>
public sealed class NatsLedgerUpgradeTests : IAsyncLifetime
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..10];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly MessageBusOptions _bus = new() { InboxCapacity = 100, MaxDeliveryBatch = 1 };
    private readonly List<NatsMessageTransport> _transports = [];
    private readonly HashSet<string> _prefixes = new(StringComparer.Ordinal);
    private NatsConnection? _connection;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Cluster => "AOSTESTUP_" + _run;

    public async ValueTask InitializeAsync()
    {
        await TestNats.RequireAsync();
        _connection = new NatsConnection(NatsOpts.Default with { Url = TestNats.Url });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var transport in _transports)
        {
            await transport.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            foreach (var prefix in _prefixes)
            {
                await TestNats.DeleteAsync([prefix + "_MESSAGES"], [prefix + "_LEDGER"]);
            }

            await TestNats.DeleteAsync([Cluster + "_NO_STREAM"], [Cluster + "_NODES"]);
        }
    }

    [Fact]
    public async Task Start_OnEntriesOfTheEarlierLayout_RewritesThem_AndDeliversListsReplaysAndAnswersForThem()
    {
        var created = Node("A", cluster: null);
        await created.RenewAndAdoptAsync(Ct); // creates the bucket
        await DisposeAsync(created);
        await CreateEarlierStreamAsync("A");
        await WriteEarlierAsync("A", "m1", "r1", MessageStatus.Pending, attempts: 2);
        await WriteEarlierAsync("A", "m2", "r2", MessageStatus.DeadLettered, attempts: 10, reason: DeadLetterReasons.MaxAttempts);
        await WriteEarlierAsync("A", "m3", "r3", MessageStatus.Delivered, attempts: 1);

        var node = Node("A", cluster: null);

        var pending = Assert.Single(await ReceiveAsync(node, 1));
        Assert.Equal(("m1", "r1", 2), (pending.Envelope.Id, pending.Recipient.Value, pending.Attempts));
        Assert.Equal("m1", pending.Envelope.Payload!.Value.GetProperty("id").GetString());
        await node.CompleteAsync(pending, Ct);
        var dead = Assert.Single((await node.ListDeadLettersAsync(null, 10, Ct)).Items);
        Assert.Equal(("m2", DeadLetterReasons.MaxAttempts, 10), (dead.Envelope.Id, dead.Reason, dead.Attempts));
        var delivered = Assert.Single(await node.GetAsync("m3", Ct));
        Assert.Equal((MessageStatus.Delivered, "m3"), (delivered.Status, delivered.Envelope.Payload!.Value.GetProperty("id").GetString()));
        Assert.Equal([EnqueueOutcome.Duplicate, EnqueueOutcome.Duplicate], await node.EnqueueAsync([Message("m1", "r1"), Message("m3", "r3")], cancellationToken: Ct));

        // Every envelope now lives in its entry: the stream is empty, and a restart finds the same.
        Assert.Equal(0, (await StreamAsync("A")).Info.State.Messages);
        Assert.Equal(1, await node.ReplayAsync("m2", null, tenant: null, Ct));
        var replayed = Assert.Single(await ReceiveAsync(node, 1));
        Assert.Equal(("m2", 0), (replayed.Envelope.Id, replayed.Attempts));
        await DisposeAsync(node);
        var again = Node("A", cluster: null);
        Assert.Equal("m2", Assert.Single(await ReceiveAsync(again, 1)).Envelope.Id);
        Assert.Empty((await again.ListDeadLettersAsync(null, 10, Ct)).Items);
        Assert.Equal(MessageStatus.Delivered, Assert.Single(await again.GetAsync("m1", Ct)).Status);
    }

    [Fact]
    public async Task Start_DeadLetterWithoutItsIndexEntry_IsIndexedAgain()
    {
        var node = Node("A", cluster: null);
        await node.EnqueueAsync([Message("m1", "r1")], cancellationToken: Ct);
        await node.DeadLetterAsync(Assert.Single(await ReceiveAsync(node, 1)), DeadLetterReasons.Expired, null, Ct);
        await DisposeAsync(node);
        var ledger = await LedgerAsync("A");
        await foreach (var key in ledger.GetKeysAsync(["d.>"], cancellationToken: Ct))
        {
            await ledger.DeleteAsync(key, cancellationToken: Ct);
        }

        var again = Node("A", cluster: null);

        Assert.Equal("m1", Assert.Single((await again.ListDeadLettersAsync(null, 10, Ct)).Items).Envelope.Id);
    }

    [Fact]
    public async Task TakeOver_OfANodeWithEntriesOfTheEarlierLayout_TakesTheirEnvelopesFromItsStream()
    {
        var a = Node("A");
        var b = Node("B");
        await a.RenewAndAdoptAsync(Ct);
        await DisposeAsync(a);
        await CreateEarlierStreamAsync("A");
        await WriteEarlierAsync("A", "m1", "r1", MessageStatus.Pending, attempts: 1);
        await WriteEarlierAsync("A", "m2", "r2", MessageStatus.DeadLettered, attempts: 3, reason: DeadLetterReasons.Expired);

        // Before the take-over, a status read through B finds A's message, its envelope from A's stream.
        Assert.Equal(MessageStatus.Pending, Assert.Single(await b.GetAsync("m1", Ct)).Status);
        Assert.Equal(0, await b.RenewAndAdoptAsync(Ct));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, await b.RenewAndAdoptAsync(Ct));

        var moved = Assert.Single(await ReceiveAsync(b, 1));
        Assert.Equal(("m1", 1), (moved.Envelope.Id, moved.Attempts));
        Assert.Equal("m1", moved.Envelope.Payload!.Value.GetProperty("id").GetString());
        Assert.Equal("m2", Assert.Single((await b.ListDeadLettersAsync(null, 10, Ct)).Items).Envelope.Id);
        Assert.Equal(0, (await StreamAsync("A")).Info.State.Messages);
    }

    [Fact]
    public async Task Start_OfANodeWithoutAnEarlierStream_CreatesNone_AndStillReadsAndTakesOverMessages()
    {
        var a = Node("A");
        var b = Node("B");
        Assert.Equal([EnqueueOutcome.Accepted], await a.EnqueueAsync([Message("m1", "r1")], cancellationToken: Ct));
        await b.RenewAndAdoptAsync(Ct);

        var missing = await Assert.ThrowsAsync<NatsJSApiException>(async () => await StreamAsync("A"));
        Assert.Equal(404, missing.Error.Code);
        Assert.Equal(MessageStatus.Pending, Assert.Single(await b.GetAsync("m1", Ct)).Status);
        await DisposeAsync(a);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await b.RenewAndAdoptAsync(Ct));
        Assert.Equal("m1", Assert.Single(await ReceiveAsync(b, 1)).Envelope.Id);
    }

    private NatsMessageTransport Node(string name, string? cluster = "")
    {
        var prefix = Prefix(name);
        _prefixes.Add(prefix);
        var transport = new NatsMessageTransport(
            new NatsMessageTransportOptions { Url = TestNats.Url, StreamPrefix = prefix, Cluster = cluster == "" ? Cluster : cluster, LeaseTimeout = TimeSpan.FromSeconds(30) },
            _bus,
            _time);
        _transports.Add(transport);
        return transport;
    }

    private async Task DisposeAsync(NatsMessageTransport transport)
    {
        await transport.DisposeAsync();
        _transports.Remove(transport);
    }

    private string Prefix(string name) => $"AOSTESTUP_{_run}_{name}";

    /// <summary>Creates a node's stream the way the earlier layout did, which this version no longer does.</summary>
    private async Task CreateEarlierStreamAsync(string node) =>
        await new NatsJSContext(_connection!).CreateStreamAsync(
            new StreamConfig(Prefix(node) + "_MESSAGES", [Prefix(node) + ".messages"]) { Storage = StreamConfigStorage.File, AllowDirect = true },
            Ct);

    /// <summary>Writes a message the way the earlier layout did: the envelope published to the stream, the entry naming its stream sequence.</summary>
    private async Task WriteEarlierAsync(string node, string id, string recipient, MessageStatus status, int attempts, string? reason = null)
    {
        var prefix = Prefix(node);
        var message = Message(id, recipient);
        var jetStream = new NatsJSContext(_connection!);
        var body = JsonSerializer.SerializeToUtf8Bytes(message.Envelope, NatsJsonContext.Default.Envelope);
        var ack = await jetStream.PublishAsync(prefix + ".messages", body, cancellationToken: Ct);
        ack.EnsureSuccess();
        var sequence = checked((long)ack.Seq);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var entry = new LedgerEntry(id, recipient, message.OrderKey, status, attempts, now, null, reason, now, now, sequence);
        var ledger = await LedgerAsync(node);
        var key = NatsMessageTransport.KeyOf(id, recipient);
        await ledger.CreateAsync(key, JsonSerializer.SerializeToUtf8Bytes(entry, NatsJsonContext.Default.LedgerEntry), cancellationToken: Ct);
        if (status == MessageStatus.DeadLettered)
        {
            await ledger.PutAsync("d." + sequence.ToString("D19", CultureInfo.InvariantCulture), key, cancellationToken: Ct);
        }
    }

    private async Task<INatsKVStore> LedgerAsync(string node) =>
        await new NatsKVContext(new NatsJSContext(_connection!)).GetStoreAsync(Prefix(node) + "_LEDGER", Ct);

    private async Task<INatsJSStream> StreamAsync(string node) =>
        await new NatsJSContext(_connection!).GetStreamAsync(Prefix(node) + "_MESSAGES", cancellationToken: Ct);

    private TransportMessage Message(string id, string recipient) => NatsTestMessages.Message(_time, id, recipient);

    private static Task<List<TransportMessage>> ReceiveAsync(NatsMessageTransport transport, int count) => NatsTestMessages.ReceiveAsync(transport, count, Ct);
}
