using Aos.Conformance.Kernel;
using Aos.Conversations;
using Aos.Storage.Messaging;
using Aos.Storage.Tests.Kernel;

namespace Aos.Storage.Tests.Messaging;

/// <summary>Runs the conversation store conformance kit on the embedded database.</summary>
public sealed class SqliteConversationStoreTests : ConversationStoreConformanceTests
{
    private readonly SqliteKernelStorage _storage = new();

    protected override ValueTask<IConversationStore> OpenAsync() => new(new SqliteConversationStore(_storage.Database, Time));

    protected override async ValueTask<IConversationStore> ReopenAsync() => new SqliteConversationStore(await _storage.ReopenAsync(), Time);

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}
