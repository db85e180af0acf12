using Aos.Conformance.Kernel;
using Aos.Postgres.Kernel;

namespace Aos.Postgres.Tests.Kernel;

/// <summary>Runs the conversation store conformance kit on PostgreSQL, in a schema of the test's own; each opened store is another node.</summary>
public sealed class PostgresConversationStoreTests : ConversationStoreConformanceTests
{
    private readonly PostgresKernelStorage _storage = new();

    protected override async ValueTask<Aos.Conversations.IConversationStore> OpenAsync() => new PostgresConversationStore(await _storage.OpenAsync(), Time);

    protected override ValueTask<Aos.Conversations.IConversationStore> ReopenAsync() => OpenAsync();

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}
