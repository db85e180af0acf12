using System.Text.Json;
using Aos.Conformance.Kernel;
using Aos.Postgres.Kernel;
using Aos.Postgres.Storage;

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

    protected override async ValueTask<Aos.Registry.IAgentDirectory> OpenAsync() => new PostgresAgentDirectory(await _storage.OpenAsync(), Time);

    protected override ValueTask<Aos.Registry.IAgentDirectory> ReopenAsync() => OpenAsync();

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}
