using Aos.Azure.Messaging;
using Aos.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aos.Azure.Tests.Hosting;

/// <summary>Checks the registration of the Service Bus transport; none of these tests needs a service (the transport connects on first use).</summary>
public sealed class AosAzureServiceCollectionExtensionsTests
{
    private const string ServiceBus = "Endpoint=sb://aos-test.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=c2VjcmV0";

    [Fact]
    public async Task AddAosServiceBusTransport_ReplacesEarlierTransport_WithOneInstanceForTransportLedgerAndRetention()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IMessageTransport>(_ => throw new InvalidOperationException("The earlier transport should have been replaced."));
        services.AddSingleton<IMessageLedger>(_ => throw new InvalidOperationException("The earlier ledger should have been replaced."));
        services.AddSingleton<IMessageRetention>(_ => throw new InvalidOperationException("The earlier retention should have been replaced."));

        services.AddAosServiceBusTransport(o =>
        {
            o.ServiceBusConnectionString = ServiceBus;
            o.QueueName = "node-1";
            o.TableConnectionString = "UseDevelopmentStorage=true";
            o.TableName = "Node1Ledger";
        });

        await using var provider = services.BuildServiceProvider();
        var transport = Assert.IsType<ServiceBusMessageTransport>(provider.GetRequiredService<IMessageTransport>());
        Assert.Same(transport, provider.GetRequiredService<IMessageLedger>());
        Assert.Same(transport, provider.GetRequiredService<IMessageRetention>());
        Assert.Equal("node-1", transport.QueueName);
        Assert.Equal("Node1Ledger", transport.TableName);
        Assert.Single(services, d => d.ServiceType == typeof(IMessageTransport));
        Assert.Single(services, d => d.ServiceType == typeof(IMessageRetention));
    }

    [Fact]
    public async Task AddAosServiceBusTransport_InvalidOptions_FailWithTheOptionNamed_AndNoSecretEchoed()
    {
        var services = new ServiceCollection();
        services.AddAosServiceBusTransport(o =>
        {
            o.ServiceBusConnectionString = "SharedAccessKey=top-secret";
            o.QueueName = "-bad queue";
            o.TableName = "bad-table";
        });

        await using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ServiceBusMessageTransportOptions>>().Value);
        Assert.Contains("Aos:Azure:ServiceBus:Transport:ServiceBusConnectionString", error.Message);
        Assert.Contains("Aos:Azure:ServiceBus:Transport:QueueName", error.Message);
        Assert.Contains("Aos:Azure:ServiceBus:Transport:TableConnectionString", error.Message);
        Assert.Contains("Aos:Azure:ServiceBus:Transport:TableName", error.Message);
        Assert.DoesNotContain("top-secret", error.Message);
    }

    [Fact]
    public void Options_Defaults_NeedOnlyTheTwoConnectionStrings()
    {
        var options = new ServiceBusMessageTransportOptions();

        Assert.Equal(2, options.Validate().Count());
        Assert.Equal("aos-messages", options.QueueName);
        Assert.Equal("AosMessageLedger", options.TableName);
        Assert.True(options.CreateQueue);

        options.ServiceBusConnectionString = ServiceBus;
        options.TableConnectionString = "UseDevelopmentStorage=true";
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsValidationError()
    {
        var error = Assert.Throws<AosValidationException>(() => new ServiceBusMessageTransport(new ServiceBusMessageTransportOptions(), new MessageBusOptions(), TimeProvider.System));

        Assert.Contains("ServiceBusConnectionString", error.Message);
    }
}
