using System.Text.Json;
using Aos.Conformance.Kernel;
using Aos.Postgres.Kernel;
using Aos.Postgres.Storage;
using Aos.Security;

namespace Aos.Postgres.Tests.Kernel;

/// <summary>Runs the agent directory conformance kit on PostgreSQL, in a schema of the test's own; each opened store is another node.</summary>
public sealed class PostgresAgentDirectoryTests : AgentDirectoryConformanceTests
{
    private readonly PostgresKernelStorage _storage = new();

    [Fact]
    public async Task AddAsync_Descriptor_IsStoredAsCamelCaseJsonWithStringId()
    {
        await Store.AddAsync([Agent("json-1", "worker", ["c"])], Ct);

        await using var connection = await PostgresTestServer.OpenAsync();
        var json = await connection.ScalarAsync<string>($"SELECT descriptor::text FROM \"{_storage.Schema}\".agents WHERE id = 'json-1'", Ct);

        using var document = JsonDocument.Parse(json!);
        Assert.Equal("json-1", document.RootElement.GetProperty("id").GetString());
        Assert.Equal("worker", document.RootElement.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Array, document.RootElement.GetProperty("capabilities").ValueKind);
    }

    [Fact]
    public async Task GetSubscribersAsync_ThousandsOfAgents_ReadsByIndexInsteadOfScanningEveryAgent()
    {
        var agents = Enumerable.Range(0, 2_000).Select(i => Agent($"p{i:D4}", "w", subscriptions: [$"bench.agent.{i}", "bench.fanout"]))
            .Concat(Enumerable.Range(0, 5).Select(i => Agent($"w{i}", "w", subscriptions: ["bench.>"])))
            .ToList();
        await Store.AddAsync(agents, Ct);
        await using var connection = await PostgresTestServer.OpenAsync();
        await using (var analyze = connection.Command($"ANALYZE \"{_storage.Schema}\".agents; ANALYZE \"{_storage.Schema}\".agent_subscriptions"))
        {
            await analyze.ExecuteNonQueryAsync(Ct);
        }

        var plan = new List<string>();
        await using (var explain = connection.Command("EXPLAIN " + ((PostgresAgentDirectory)Store).SubscribersSql, "bench.agent.77", AosTenants.Default))
        await using (var reader = await explain.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                plan.Add(reader.GetString(0));
            }
        }

        // The statistics say one subscription has the topic and five are wildcards; a scan of either table would read them all.
        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan", StringComparison.Ordinal));
        Assert.Equal(["p0077", "w0", "w1", "w2", "w3", "w4"], (await Store.GetSubscribersAsync(AosTenants.Default, "bench.agent.77", Ct)).Select(id => id.Value));
    }

    protected override async ValueTask<Aos.Registry.IAgentDirectory> OpenAsync() => new PostgresAgentDirectory(await _storage.OpenAsync(), Time);

    protected override ValueTask<Aos.Registry.IAgentDirectory> ReopenAsync() => OpenAsync();

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}
