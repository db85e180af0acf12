using Aos.Conformance.Storage;
using Aos.Storage;

namespace Aos.Azure.Tests.Storage;

/// <summary>Runs the table store conformance kit on Azure Table Storage (Azurite).</summary>
public sealed class AzureTableStoreTests : TableStoreConformanceTests
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
}
