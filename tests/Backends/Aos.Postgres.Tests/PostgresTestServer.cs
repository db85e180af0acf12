using Aos.Postgres.Storage;
using Aos.TestSupport;
using Npgsql;

namespace Aos.Postgres.Tests;

/// <summary>Finds the PostgreSQL server the tests run against, and skips (or, under CI, fails) a test when it is not there.</summary>
internal static class PostgresTestServer
{
    /// <summary>Gets the schema the conformance tests share; each test uses its own store names in it.</summary>
    public const string SharedSchema = "aos_test";

    /// <summary>Gets the connection string: <c>AOS_TEST_POSTGRES</c>, or the loopback server that <c>.ci/run</c> starts.</summary>
    public static string ConnectionString { get; } = Environment.GetEnvironmentVariable("AOS_TEST_POSTGRES") is { Length: > 0 } connectionString
        ? connectionString
        : "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres;Maximum Pool Size=30";

    private static readonly Lazy<Task<string?>> Probe = new(ProbeAsync);

    /// <summary>Skips the current test when PostgreSQL does not answer; fails it instead when <c>AOS_TEST_REQUIRE_SERVICES=1</c>.</summary>
    public static async Task RequireAsync()
    {
        if (await Probe.Value is not { } problem)
        {
            return;
        }

        var server = new NpgsqlConnectionStringBuilder(ConnectionString);
        var reason = $"PostgreSQL is not reachable at {server.Host}:{server.Port} ({problem}). "
            + "Start it with 'apt-get install postgresql; pg_ctlcluster 15 main start; su postgres -c \"psql -c \\\"ALTER USER postgres PASSWORD 'postgres'\\\"\"', "
            + "or set AOS_TEST_POSTGRES to an Npgsql connection string.";
        RequiredService.SkipOrFail(reason);
    }

    /// <summary>Creates a provider on the test server.</summary>
    public static PostgresStorageProvider CreateProvider(TimeProvider timeProvider, string schema = SharedSchema) =>
        new(new PostgresStorageOptions { ConnectionString = ConnectionString, Schema = schema }, timeProvider);

    /// <summary>Gets a schema name no other test uses.</summary>
    public static string NewSchema() => "aos_test_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Opens a connection of the test's own, to look behind the provider.</summary>
    public static async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    /// <summary>Drops a schema and everything in it, if it exists.</summary>
    public static async Task DropSchemaAsync(string schema)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<string?> ProbeAsync()
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Timeout = 3, Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync();
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or ArgumentException)
        {
            return e.Message;
        }
    }
}
