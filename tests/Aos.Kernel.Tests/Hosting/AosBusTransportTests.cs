using Aos.Hosting;
using Aos.Nats.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aos.Kernel.Tests.Hosting;

/// <summary>Checks the bus transport that configuration chooses; nothing here connects to a server.</summary>
public sealed class AosBusTransportTests
{
    [Theory]
    [InlineData("redis", "prod.eu/1", null, "prod_eu_1")]
    [InlineData("azure", null, null, "aos")]
    [InlineData("redis", "prod", "explicit", "explicit")]
    [InlineData("localhost", "prod", null, null)]
    [InlineData(null, "prod", null, null)]
    public async Task Nats_InACluster_TakesOverLostNodesUnderTheClusterId(string? clustering, string? clusterId, string? cluster, string? expected)
    {
        var services = new ServiceCollection();

        AosClustering.AddAosBusTransport(services, Configuration(new()
        {
            [AosClustering.TransportKey] = "nats",
            [AosClustering.ClusteringKey] = clustering,
            ["Aos:ClusterId"] = clusterId,
            ["Aos:Nats:Transport:Cluster"] = cluster,
        }));

        await using var provider = services.BuildServiceProvider();
        Assert.Equal(expected, provider.GetRequiredService<IOptions<NatsMessageTransportOptions>>().Value.Cluster);
    }

    [Fact]
    public void UnknownTransport_IsRefused_NamingTheKey()
    {
        var error = Assert.Throws<AosValidationException>(() =>
            AosClustering.AddAosBusTransport(new ServiceCollection(), Configuration(new() { [AosClustering.TransportKey] = "kafka" })));

        Assert.Equal(AosClustering.TransportKey, error.Field);
        Assert.Contains("'sqlite' or 'nats'", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
