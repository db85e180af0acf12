using System.Text.Json;
using Aos.Conformance.Kernel;
using Aos.Registry;
using Aos.Security;
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

    [Theory]
    [InlineData(SqliteAgentDirectory.SubscribersSql)]
    [InlineData(SqliteAgentDirectory.WildcardSql)]
    public async Task SubscriberQueries_StartFromTheSubscriptions_NotFromEveryAgentOfTheTenant(string sql)
    {
        // Many agents in one tenant, as on a node that publishes: a plan that starts from the tenant's agents visits all of them.
        await Store.AddAsync([.. Enumerable.Range(0, 200).Select(i => Agent($"agent-{i}", "worker", ["c"]))], Ct);

        var plan = await _storage.Database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
            command.Parameters.AddWithValue("$t", "orders.created");
            command.Parameters.AddWithValue("$tenant", "default");
            using var reader = command.ExecuteReader();
            var steps = new List<string>();
            while (reader.Read())
            {
                steps.Add(reader.GetString(3));
            }

            return steps;
        }, Ct);

        // The subscriptions by key (exact topics) or through the wildcard index, then each one's agent by id.
        Assert.True(
            plan[0].StartsWith("SEARCH s USING PRIMARY KEY", StringComparison.Ordinal) || plan[0].StartsWith("SCAN s USING COVERING INDEX ix_agent_subscriptions_wildcard", StringComparison.Ordinal),
            $"The plan starts with '{plan[0]}'.");
        Assert.Contains(plan, step => step.StartsWith("SEARCH a ", StringComparison.Ordinal) && step.Contains("id=?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetSubscribersAsync_TopicReadBefore_AnswersFromMemoryUntilTheDirectoryChanges()
    {
        await Store.AddAsync([Agent("m1", "w", subscriptions: ["orders"]), Agent("m2", "w")], Ct);
        Assert.Equal(["m1"], (await Store.GetSubscribersAsync(AosTenants.Default, "orders", Ct)).Select(id => id.Value));

        // Behind the directory's back (nothing in AOS writes these tables but the directory): the remembered answer stands.
        await _storage.Database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM agent_subscriptions WHERE agent_id = 'm1';";
            return command.ExecuteNonQuery();
        }, Ct);
        Assert.Equal(["m1"], (await Store.GetSubscribersAsync(AosTenants.Default, "orders", Ct)).Select(id => id.Value));

        // Any change through the directory forgets every remembered topic.
        await Store.SubscribeAsync(AgentId.Parse("m2"), "billing", Ct);
        Assert.Empty(await Store.GetSubscribersAsync(AosTenants.Default, "orders", Ct));
    }

    [Fact]
    public async Task GetSubscribersAsync_TwoDatabasesOnOneFile_SeeEachOthersChanges()
    {
        // Two SqliteDatabase instances on one file in one process, as the silos of an in-process test cluster have.
        await Store.AddAsync([Agent("f1", "w", subscriptions: ["orders"])], Ct);
        using var second = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = Path.GetDirectoryName(_storage.Database.DatabasePath)! });
        var other = new SqliteAgentDirectory(second, Time);
        Assert.Equal(["f1"], (await other.GetSubscribersAsync(AosTenants.Default, "orders", messageType: null, Ct)).Select(id => id.Value));

        await Store.AddAsync([Agent("f2", "w", subscriptions: ["orders"])], Ct);

        Assert.Equal(["f1", "f2"], (await other.GetSubscribersAsync(AosTenants.Default, "orders", messageType: null, Ct)).Select(id => id.Value));
    }

    protected override ValueTask<IAgentDirectory> OpenAsync() => new(new SqliteAgentDirectory(_storage.Database, Time));

    protected override async ValueTask<IAgentDirectory> ReopenAsync() => new SqliteAgentDirectory(await _storage.ReopenAsync(), Time);

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}
