using Aos.Conformance.Storage;
using Aos.Storage;

namespace Aos.Azure.Tests.Storage;

/// <summary>Runs the document store conformance kit on Azure Cosmos DB; skipped unless <c>AOS_TEST_COSMOS</c> names an account (there is no emulator in CI).</summary>
public sealed class CosmosDocumentStoreTests : DocumentStoreConformanceTests
{
    private readonly AzureStorageTestAccount _account = new();
    private IDisposable? _provider;

    protected override async ValueTask<IStorageProvider> CreateProviderAsync()
    {
        var cosmos = AzureTestServices.RequireCosmos();
        var provider = await _account.OpenAsync(Time, cosmos);
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
