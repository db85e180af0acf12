using Aos.Conformance.Storage;

namespace Aos.Storage.Tests.Stores;

/// <summary>Runs the queue store conformance kit on the embedded SQLite backend.</summary>
public sealed class SqliteQueueStoreTests : QueueStoreConformanceTests
{
    private readonly SqliteStores _stores = new();

    protected override ValueTask<IStorageProvider> CreateProviderAsync() => ValueTask.FromResult<IStorageProvider>(_stores.Open(Time));

    protected override ValueTask DisposeProviderAsync() => _stores.DisposeAsync();
}
