using Aos.Conformance.Kernel;
using Aos.Postgres.Kernel;

namespace Aos.Postgres.Tests.Kernel;

/// <summary>Runs the agent journal conformance kit on PostgreSQL, in a schema of the test's own; each opened store is another node.</summary>
public sealed class PostgresAgentJournalTests : AgentJournalConformanceTests
{
    private readonly PostgresKernelStorage _storage = new();

    protected override async ValueTask<Aos.Storage.IAgentJournal> OpenAsync() => new PostgresAgentJournal(await _storage.OpenAsync());

    protected override ValueTask<Aos.Storage.IAgentJournal> ReopenAsync() => OpenAsync();

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}
