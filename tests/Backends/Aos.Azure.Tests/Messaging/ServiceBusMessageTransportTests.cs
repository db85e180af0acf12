using Aos.Azure.Messaging;
using Aos.Conformance;
using Aos.Messaging;

namespace Aos.Azure.Tests.Messaging;

/// <summary>
/// Runs the transport conformance kit on Azure Service Bus and Table Storage, each test on its own queue and table. Runs only when
/// <c>AOS_TEST_SERVICEBUS</c> names a namespace: there is no Service Bus emulator, so CI skips these tests.
/// </summary>
public sealed class ServiceBusMessageTransportTests : MessageTransportConformanceTests
{
    private readonly ServiceBusMessageTransportOptions _azureOptions = new()
    {
        QueueName = "aostest-" + Guid.NewGuid().ToString("N")[..12],
        TableConnectionString = AzureTestServices.StorageConnectionString,
        TableName = "AosTest" + Guid.NewGuid().ToString("N")[..16],
    };

    private ServiceBusMessageTransport? _transport;
    private bool _used;

    public override async ValueTask InitializeAsync()
    {
        _azureOptions.ServiceBusConnectionString = AzureTestServices.RequireServiceBus();
        await AzureTestServices.RequireStorageAsync();
        _used = true;
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_used)
        {
            await AzureTestServices.DeleteQueueAsync(_azureOptions.ServiceBusConnectionString!, _azureOptions.QueueName);
            await AzureTestServices.DeleteTableAsync(_azureOptions.TableName);
        }
    }

    protected override ValueTask<IMessageTransport> CreateTransportAsync()
    {
        _transport = new ServiceBusMessageTransport(_azureOptions, Options, Time);
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
}
