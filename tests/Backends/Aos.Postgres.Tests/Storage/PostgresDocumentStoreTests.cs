using Aos.Conformance.Storage;
using Aos.Postgres.Storage;
using Aos.Storage;

namespace Aos.Postgres.Tests.Storage;

/// <summary>Runs the document store conformance kit on PostgreSQL, in the shared test schema.</summary>
public sealed class PostgresDocumentStoreTests : DocumentStoreConformanceTests
{
    private PostgresStorageProvider? _provider;

    protected override async ValueTask<IStorageProvider> CreateProviderAsync()
    {
        await PostgresTestServer.RequireAsync();
        _provider = PostgresTestServer.CreateProvider(Time);
        return _provider;
    }

    protected override async ValueTask DisposeProviderAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }
}
