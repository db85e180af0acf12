using System.Text.Json;
using Aos.Conformance.Kernel;
using Aos.Registry;
using Aos.Storage.Sqlite;
using Aos.Storage.Tests.Kernel;

namespace Aos.Storage.Tests;

/// <summary>Runs the agent directory conformance kit on the embedded database, and checks how the descriptor is stored there.</summary>
public sealed class SqliteAgentDirectoryTests : AgentDirectoryConformanceTests
{
    private readonly SqliteKernelStorage _storage = new();

    [Fact]
    public async Task AddAsync_Descriptor_IsStoredAsCamelCaseJsonWithStringId()
    {
        await Store.AddAsync([Agent("json-1", "worker", ["c"])], Ct);

        var json = await _storage.Database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT descriptor FROM agents WHERE id = 'json-1';";
            return (string)command.ExecuteScalar()!;
        }, Ct);

        using var document = JsonDocument.Parse(json);
        Assert.Equal("json-1", document.RootElement.GetProperty("id").GetString());
        Assert.Equal("worker", document.RootElement.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Array, document.RootElement.GetProperty("capabilities").ValueKind);
    }

    protected override ValueTask<IAgentDirectory> OpenAsync() => new(new SqliteAgentDirectory(_storage.Database, Time));

    protected override async ValueTask<IAgentDirectory> ReopenAsync() => new SqliteAgentDirectory(await _storage.ReopenAsync(), Time);

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}
