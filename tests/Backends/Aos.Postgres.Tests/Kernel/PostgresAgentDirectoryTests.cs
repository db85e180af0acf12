using Aos.Conformance.Kernel;
using Aos.Postgres.Kernel;

namespace Aos.Postgres.Tests.Kernel;

/// <summary>Runs the agent directory conformance kit on PostgreSQL, in a schema of the test's own; each opened store is another node.</summary>
public sealed class PostgresAgentDirectoryTests : AgentDirectoryConformanceTests
{
    private readonly PostgresKernelStorage _storage = new();

    protected override async ValueTask<Aos.Registry.IAgentDirectory> OpenAsync() => new PostgresAgentDirectory(await _storage.OpenAsync(), Time);

    protected override ValueTask<Aos.Registry.IAgentDirectory> ReopenAsync() => OpenAsync();

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}
