using Aos.Conformance;
using Aos.Messaging;
using Aos.Nats.Messaging;

namespace Aos.Nats.Tests.Messaging;

/// <summary>Runs the transport conformance kit on NATS JetStream, each test on its own stream and bucket.</summary>
public sealed class NatsMessageTransportTests : MessageTransportConformanceTests
{
    private readonly NatsMessageTransportOptions _natsOptions = new()
    {
        Url = NatsTestServer.Url,
        StreamPrefix = "AOSTEST_" + Guid.NewGuid().ToString("N")[..12],
    };

    private NatsMessageTransport? _transport;
    private bool _used;

    public override async ValueTask InitializeAsync()
    {
        await NatsTestServer.RequireAsync();
        _used = true;
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_used)
        {
            await NatsTestServer.DeleteAsync(_natsOptions.StreamPrefix + "_MESSAGES", _natsOptions.StreamPrefix + "_LEDGER");
        }
    }

    protected override ValueTask<IMessageTransport> CreateTransportAsync()
    {
        _transport = new NatsMessageTransport(_natsOptions, Options, Time);
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
    public async Task Enqueue_AfterTheJetStreamDuplicateWindow_IsStillDuplicate()
    {
        _natsOptions.DuplicateWindow = TimeSpan.FromMilliseconds(100);
        await RestartAsync();
        Assert.Equal([EnqueueOutcome.Accepted], await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));
        var received = Assert.Single(await ReceiveAllAsync());
        await Transport.CompleteAsync(received, Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Ct); // JetStream's window runs on the server's clock, not the fake one.

        Assert.Equal([EnqueueOutcome.Duplicate], await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));
        Assert.True(await NothingReadyAsync());
    }

    [Fact]
    public async Task PruneDelivered_RemovesOnlyDeliveredMessagesOlderThanTheCutoff()
    {
        await Transport.EnqueueAsync([Message("old"), Message("dead", source: "x"), Message("pending", source: "y")], cancellationToken: Ct);
        var received = await ReceiveAllAsync();
        await Transport.CompleteAsync(received.Single(m => m.Envelope.Id == "old"), Ct);
        await Transport.DeadLetterAsync(received.Single(m => m.Envelope.Id == "dead"), DeadLetterReasons.Expired, null, Ct);
        Time.Advance(TimeSpan.FromHours(25));

        var removed = await _transport!.PruneDeliveredAsync(Time.GetUtcNow().AddHours(-24), Ct);

        Assert.Equal(1, removed);
        Assert.Empty(await Ledger.GetAsync("old", Ct));
        Assert.Single(await Ledger.GetAsync("dead", Ct));
        Assert.Single(await Ledger.GetAsync("pending", Ct));
        Assert.Equal([EnqueueOutcome.Accepted], await Transport.EnqueueAsync([Message("old")], cancellationToken: Ct));
    }

    [Fact]
    public async Task Restart_AfterReplay_HandsOutTheReplayedMessageWithItsNewExpiry()
    {
        await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct);
        await Transport.DeadLetterAsync(Assert.Single(await ReceiveAllAsync()), DeadLetterReasons.MaxAttempts, "boom", Ct);
        var expiry = Time.GetUtcNow().AddMinutes(5);
        Assert.Equal(1, await Ledger.ReplayAsync("m1", expiry, Ct));

        await RestartAsync();

        var again = Assert.Single(await ReceiveAllAsync());
        Assert.Equal(expiry, again.Envelope.ExpiresAt);
        Assert.Equal(0, again.Attempts);
        Assert.Empty((await Ledger.ListDeadLettersAsync(null, 10, Ct)).Items);
    }
}
