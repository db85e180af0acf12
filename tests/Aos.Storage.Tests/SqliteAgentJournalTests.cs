using Aos.Conformance.Kernel;
using Aos.Storage.Sqlite;
using Aos.Storage.Tests.Kernel;

namespace Aos.Storage.Tests;

/// <summary>Runs the agent journal conformance kit on the embedded database.</summary>
public sealed class SqliteAgentJournalTests : AgentJournalConformanceTests
{
    private readonly SqliteKernelStorage _storage = new();

    protected override ValueTask<IAgentJournal> OpenAsync() => new(new SqliteAgentJournal(_storage.Database));

    protected override async ValueTask<IAgentJournal> ReopenAsync() => new SqliteAgentJournal(await _storage.ReopenAsync());

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}
