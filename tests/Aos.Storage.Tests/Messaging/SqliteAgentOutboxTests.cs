using Aos.Conformance.Kernel;
using Aos.Storage.Messaging;
using Aos.Storage.Tests.Kernel;

namespace Aos.Storage.Tests.Messaging;

/// <summary>Runs the outbox conformance kit on the embedded database.</summary>
public sealed class SqliteAgentOutboxTests : AgentOutboxConformanceTests
{
    private readonly SqliteKernelStorage _storage = new();

    protected override ValueTask<IAgentOutbox> OpenAsync() => new(new SqliteAgentOutbox(_storage.Database));

    protected override async ValueTask<IAgentOutbox> ReopenAsync() => new SqliteAgentOutbox(await _storage.ReopenAsync());

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}
