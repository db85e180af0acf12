using Aos.Conformance;
using Aos.Messaging;
using Aos.Nats.Messaging;
using Aos.TestSupport;

namespace Aos.Nats.Tests.Messaging;

/// <summary>Runs the transport conformance kit on NATS JetStream, each test on its own stream and bucket.</summary>
public sealed class NatsMessageTransportTests : MessageTransportConformanceTests
{
    private readonly NatsMessageTransportOptions _natsOptions = new()
    {
        Url = TestNats.Url,
        StreamPrefix = "AOSTEST_" + Guid.NewGuid().ToString("N")[..12],
    };

    private NatsMessageTransport? _transport;
    private bool _used;

    public override async ValueTask InitializeAsync()
    {
        await TestNats.RequireAsync();
        _used = true;
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_used)
        {
            await TestNats.DeleteAsync([_natsOptions.StreamPrefix + "_MESSAGES"], [_natsOptions.StreamPrefix + "_LEDGER"]);
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
    public async Task Enqueue_OfADeliveredMessageAfterARestart_IsStillDuplicate()
    {
        Assert.Equal([EnqueueOutcome.Accepted], await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));
        var received = Assert.Single(await ReceiveAllAsync());
        await Transport.CompleteAsync(received, Ct);
        await RestartAsync();

        Assert.Equal([EnqueueOutcome.Duplicate], await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));
        Assert.True(await NothingReadyAsync());
    }
}
