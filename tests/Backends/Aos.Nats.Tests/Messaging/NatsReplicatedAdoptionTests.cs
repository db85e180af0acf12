using Aos.TestSupport;

namespace Aos.Nats.Tests.Messaging;

/// <summary>Runs the take-over tests on a JetStream cluster of three servers, with every node's ledger and the leases on all three.</summary>
public sealed class NatsReplicatedAdoptionTests() : NatsAdoptionTests(TestNats.ClusterUrl, replicas: 3)
{
    protected override Task RequireServerAsync() => TestNats.RequireClusterAsync();
}
