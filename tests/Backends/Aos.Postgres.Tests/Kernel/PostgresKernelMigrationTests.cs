using Aos.Postgres.Kernel;
using Aos.Postgres.Storage;
using Aos.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Postgres.Tests.Kernel;

/// <summary>Checks that the kernel stores' tables are created once, however many nodes start on one schema at once.</summary>
public sealed class PostgresKernelMigrationTests : IAsyncDisposable
{
    private readonly PostgresKernelStorage _storage = new();
    private readonly FakeTimeProvider _time = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _storage.DisposeAsync();

    [Fact]
    public async Task FirstUse_ByThreeNodesAtOnce_AppliesEachKernelScriptOnce()
    {
        var nodes = new[] { await _storage.OpenAsync(), await _storage.OpenAsync(), await _storage.OpenAsync() };

        await Task.WhenAll(nodes.Select(async database =>
        {
            var agent = AgentId.Parse("migrations");
            await new PostgresAgentDirectory(database, _time).GetAsync(agent, Ct);
            await new PostgresAgentJournal(database).ReadAsync(agent, JournalKind.History, 1, Ct);
            await new PostgresAgentOutbox(database).ReadAsync(1, Ct);
            await new PostgresProcessedMessageLog(database).ContainsAsync(agent, "m", Ct);
            await new PostgresConversationStore(database, _time).GetAsync("c", 1, Ct);
        }));

        await using var connection = await PostgresTestServer.OpenAsync();
        await using var command = connection.Command($"SELECT component, version FROM \"{_storage.Schema}\".aos_schema ORDER BY component COLLATE \"C\"");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var versions = new List<(string, int)>();
        while (await reader.ReadAsync(Ct))
        {
            versions.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        Assert.Equal([.. PostgresKernelMigrations.All.Select(c => (c.Key, c.Value.Count)).OrderBy(c => c.Key, StringComparer.Ordinal)], versions);
    }
}
