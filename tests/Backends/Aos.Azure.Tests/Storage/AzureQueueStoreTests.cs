using Aos.Conformance.Storage;
using Aos.Storage;

namespace Aos.Azure.Tests.Storage;

/// <summary>Runs the queue store conformance kit on Azure Queue Storage (Azurite).</summary>
public sealed class AzureQueueStoreTests : QueueStoreConformanceTests
{
    private readonly AzureStorageTestAccount _account = new();
    private IDisposable? _provider;

    protected override async ValueTask<IStorageProvider> CreateProviderAsync()
    {
        var provider = await _account.OpenAsync(Time);
        _provider = provider;
        return provider;
    }

    protected override async ValueTask DisposeProviderAsync()
    {
        _provider?.Dispose();
        if (_provider is not null)
        {
            await _account.DeleteAllAsync(CancellationToken.None);
        }
    }

    /// <summary>Gets a visibility timeout long enough that no pause between two calls of a test outlasts it: it runs on the service's clock.</summary>
    protected override TimeSpan Visibility => TimeSpan.FromSeconds(3);

    /// <summary>Waits for real: visibility timeouts and delays run on the queue service's clock, which a fake time provider cannot move.</summary>
    protected override async ValueTask AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await Task.Delay(by, Ct);
    }
}
