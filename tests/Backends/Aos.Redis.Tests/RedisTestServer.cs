using Aos.TestSupport;
using StackExchange.Redis;

namespace Aos.Redis.Tests;

/// <summary>Finds the Redis server the tests run against, and skips (or, under CI, fails) a test when it is not there.</summary>
internal static class RedisTestServer
{
    /// <summary>Gets the StackExchange.Redis configuration string: <c>AOS_TEST_REDIS</c>, or the loopback server that <c>.ci/run</c> starts.</summary>
    public static string ConnectionString { get; } =
        Environment.GetEnvironmentVariable("AOS_TEST_REDIS") is { Length: > 0 } connectionString ? connectionString : "127.0.0.1:6379";

    private static readonly Lazy<Task<string?>> Probe = new(ProbeAsync);

    /// <summary>Skips the current test when Redis does not answer; fails it instead when <c>AOS_TEST_REQUIRE_SERVICES=1</c>.</summary>
    public static async Task RequireAsync()
    {
        if (await Probe.Value is not { } problem)
        {
            return;
        }

        var reason = $"Redis is not reachable at {ConnectionString} ({problem}). Start it with 'apt-get install redis-server; "
            + "redis-server --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no --daemonize yes', or set AOS_TEST_REDIS to a StackExchange.Redis configuration string.";
        RequiredService.SkipOrFail(reason);
    }

    /// <summary>Connects to the test server, to look behind the providers.</summary>
    public static Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(ConnectionString);

    private static async Task<string?> ProbeAsync()
    {
        try
        {
            var options = ConfigurationOptions.Parse(ConnectionString);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 3000;
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            await connection.GetDatabase().PingAsync();
            return null;
        }
        catch (Exception e) when (e is RedisException or ArgumentException or TimeoutException)
        {
            return e.Message.Split('\n')[0];
        }
    }
}
