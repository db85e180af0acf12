using Aos.Messaging;
using Aos.Nats.Hosting;
using Aos.Nats.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aos.Nats.Tests.Hosting;

/// <summary>Checks the registration of the NATS transport; none of these tests needs a server (the transport connects on first use).</summary>
public sealed class AosNatsServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddAosNatsTransport_ReplacesEarlierTransport_WithOneInstanceForTransportAndLedger()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IMessageTransport>(_ => throw new InvalidOperationException("The earlier transport should have been replaced."));
        services.AddSingleton<IMessageLedger>(_ => throw new InvalidOperationException("The earlier ledger should have been replaced."));

        services.AddAosNatsTransport(o => o.StreamPrefix = "NODE_1");

        await using var provider = services.BuildServiceProvider();
        var transport = Assert.IsType<NatsMessageTransport>(provider.GetRequiredService<IMessageTransport>());
        Assert.Same(transport, provider.GetRequiredService<IMessageLedger>());
        Assert.Equal("NODE_1_MESSAGES", transport.StreamName);
        Assert.Equal("NODE_1_LEDGER", transport.BucketName);
        Assert.Single(services, d => d.ServiceType == typeof(IMessageTransport));
    }

    [Fact]
    public async Task AddAosNatsTransport_InvalidOptions_FailWithTheOptionNamed()
    {
        var services = new ServiceCollection();
        services.AddAosNatsTransport(o =>
        {
            o.StreamPrefix = "has.dots";
            o.Url = "http://example";
        });

        await using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NatsMessageTransportOptions>>().Value);
        Assert.Contains("Aos:Nats:Transport:StreamPrefix", error.Message);
        Assert.Contains("Aos:Nats:Transport:Url", error.Message);
    }

    [Theory]
    [InlineData("has.dot", null, "Aos:Nats:Transport:Cluster")]
    [InlineData("", null, "Aos:Nats:Transport:Cluster")]
    [InlineData("ok", 0, "Aos:Nats:Transport:LeaseTimeout")]
    [InlineData("ok", -5, "Aos:Nats:Transport:LeaseTimeout")]
    public void Options_BadClusterOrLeaseTimeout_AreRefusedWithTheOptionNamed(string cluster, int? leaseSeconds, string option)
    {
        var options = new NatsMessageTransportOptions { Cluster = cluster };
        if (leaseSeconds is { } seconds)
        {
            options.LeaseTimeout = TimeSpan.FromSeconds(seconds);
        }

        Assert.StartsWith(option, Assert.Single(options.Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAosNatsTransport_InACluster_RegistersTheLeaseService_NamingTheNodesBucket()
    {
        var services = new ServiceCollection();
        services.AddAosNatsTransport(o => o.Cluster = "prod-eu");
        services.AddAosNatsTransport(o => o.Cluster = "prod-eu");

        await using var provider = services.BuildServiceProvider();
        Assert.IsType<NatsLeaseService>(Assert.Single(provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>()));
        Assert.Equal("prod-eu_NODES", provider.GetRequiredService<IOptions<NatsMessageTransportOptions>>().Value.NodesBucketName);
    }

    [Fact]
    public void Options_Defaults_AreValid()
    {
        var options = new NatsMessageTransportOptions();

        Assert.Empty(options.Validate());
        Assert.Equal("nats://127.0.0.1:4222", options.Url);
        Assert.Equal("AOS", options.StreamPrefix);
        Assert.Null(options.Cluster);
        Assert.Null(options.NodesBucketName);
        Assert.Equal(TimeSpan.FromSeconds(30), options.LeaseTimeout);
    }
}
