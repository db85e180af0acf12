using Aos.TestSupport;
using NATS.Client.Core;
using Npgsql;
using StackExchange.Redis;

namespace Aos.AcceptanceTests;

/// <summary>
/// The servers a cluster of <c>aos up</c> nodes shares: Redis (membership), PostgreSQL (state and kernel stores) and NATS JetStream (bus),
/// on the loopback defaults <c>.ci/run</c> starts or where <c>AOS_TEST_REDIS</c>, <c>AOS_TEST_POSTGRES</c> and <c>AOS_TEST_NATS_URL</c> say.
/// </summary>
internal static class ClusterServices
{
    public static string Redis { get; } = Environment.GetEnvironmentVariable("AOS_TEST_REDIS") is { Length: > 0 } redis ? redis : "127.0.0.1:6379";

    public static string Postgres { get; } = Environment.GetEnvironmentVariable("AOS_TEST_POSTGRES") is { Length: > 0 } postgres
        ? postgres
        : "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres";

    public static string Nats => TestNats.Url;

    /// <summary>Skips the current test when a server does not answer; fails it instead when <c>AOS_TEST_REQUIRE_SERVICES=1</c>.</summary>
    public static async Task RequireAsync()
    {
        var problems = new List<string>();
        await ProbeRedisAndPostgresAsync(problems);
        await ProbeNatsAsync(problems);
        SkipOrFail(problems, "The cluster test needs Redis, PostgreSQL and NATS JetStream", ".ci/run starts all three (or set AOS_TEST_REDIS, AOS_TEST_POSTGRES, AOS_TEST_NATS_URL).");
    }

    /// <summary>Skips the current test when NATS JetStream does not answer; fails it instead when <c>AOS_TEST_REQUIRE_SERVICES=1</c>.</summary>
    public static Task RequireNatsAsync() => TestNats.RequireAsync();

    /// <summary>Deletes the NATS ledger buckets and streams of the given prefixes; best effort.</summary>
    public static async Task DeleteNatsAsync(IEnumerable<string> streamPrefixes)
    {
        try
        {
            await TestNats.DeleteAsync(streamPrefixes.Select(p => p + "_MESSAGES"), streamPrefixes.Select(p => p + "_LEDGER"));
        }
        catch (NatsException e)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"Could not delete the NATS streams: {e.Message}");
        }
    }

    private static async Task ProbeRedisAndPostgresAsync(List<string> problems)
    {
        await Probe(problems, $"Redis at {Redis}", async () =>
        {
            var options = ConfigurationOptions.Parse(Redis);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 15_000;
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            await connection.GetDatabase().PingAsync();
        });
        await Probe(problems, "PostgreSQL", async () =>
        {
            // Generous: the probe runs beside other test assemblies on a 2-core machine, and a 3-s timeout was once too short there.
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Postgres) { Timeout = 15, CommandTimeout = 15 }.ConnectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
        });
    }

    private static async Task ProbeNatsAsync(List<string> problems)
    {
        if (await TestNats.ProblemAsync() is { } problem)
        {
            problems.Add($"NATS at {Nats} does not answer ({problem})");
        }
    }

    private static void SkipOrFail(List<string> problems, string need, string remedy)
    {
        if (problems.Count == 0)
        {
            return;
        }

        RequiredService.SkipOrFail($"{need}: {string.Join("; ", problems)}. {remedy}");
    }

    /// <summary>Drops the test's schema, its NATS streams and buckets, and its Redis membership rows; best effort.</summary>
    public static async Task CleanUpAsync(string schema, IEnumerable<string> streamPrefixes, string serviceId)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Postgres);
            await connection.OpenAsync(CancellationToken.None);
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"Could not drop schema {schema}: {e.Message}");
        }

        await DeleteNatsAsync(streamPrefixes);

        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis);
            var server = redis.GetServers()[0];
            foreach (var key in server.Keys(pattern: serviceId + "*"))
            {
                await redis.GetDatabase().KeyDeleteAsync(key);
            }
        }
        catch (RedisException e)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"Could not delete the Redis membership rows: {e.Message}");
        }
    }

    private static async Task Probe(List<string> problems, string name, Func<Task> probe)
    {
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await probe().WaitAsync(limit.Token);
        }
        catch (Exception e)
        {
            problems.Add($"{name} does not answer ({e.GetType().Name}: {e.Message})");
        }
    }
}
