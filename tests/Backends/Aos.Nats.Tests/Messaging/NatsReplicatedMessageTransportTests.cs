using Aos.Messaging;
using Aos.Nats.Messaging;
using Aos.TestSupport;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Aos.Nats.Tests.Messaging;

/// <summary>Runs the transport conformance kit on a JetStream cluster of three servers, with the transport's bucket on all three.</summary>
public sealed class NatsReplicatedMessageTransportTests() : NatsMessageTransportTests(TestNats.ClusterUrl, replicas: 3)
{
    [Fact]
    public async Task Ledger_OfAReplicatedTransport_IsReadFromItsStreamLeader_AndRemembersWriteIdsForAShortWindow()
    {
        await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct);
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = NatsOptions.Url });
        var jetStream = new NatsJSContext(connection);
        var ledger = "KV_" + NatsOptions.StreamPrefix + "_LEDGER";

        var config = (await jetStream.GetStreamAsync(ledger, cancellationToken: Ct)).Info.Config;
        Assert.Equal(3, config.NumReplicas);
        Assert.False(config.AllowDirect);
        Assert.Equal(TimeSpan.FromSeconds(30), config.DuplicateWindow);

        // Another program, or a node of an earlier version, sets the key-value API's defaults again: the next start undoes them.
        config.AllowDirect = true;
        config.DuplicateWindow = TimeSpan.FromMinutes(2);
        await jetStream.UpdateStreamAsync(config, Ct);
        await RestartAsync();
        Assert.Equal(MessageStatus.Pending, Assert.Single(await Ledger.GetAsync("m1", Ct)).Status);
        config = (await jetStream.GetStreamAsync(ledger, cancellationToken: Ct)).Info.Config;
        Assert.False(config.AllowDirect);
        Assert.Equal(TimeSpan.FromSeconds(30), config.DuplicateWindow);
    }

    protected override Task RequireServerAsync() => TestNats.RequireClusterAsync();
}
