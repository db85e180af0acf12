using Aos.Conformance.Kernel;
using Aos.Postgres.Kernel;

namespace Aos.Postgres.Tests.Kernel;

/// <summary>Runs the outbox conformance kit on PostgreSQL, in a schema of the test's own; each opened store is another node.</summary>
public sealed class PostgresAgentOutboxTests : AgentOutboxConformanceTests
{
    private readonly PostgresKernelStorage _storage = new();

    protected override async ValueTask<Aos.Storage.IAgentOutbox> OpenAsync() => new PostgresAgentOutbox(await _storage.OpenAsync());

    protected override ValueTask<Aos.Storage.IAgentOutbox> ReopenAsync() => OpenAsync();

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}
