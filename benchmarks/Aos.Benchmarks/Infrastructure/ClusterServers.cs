using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using Npgsql;
using StackExchange.Redis;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>The servers a benchmark cluster shares: Redis (membership), PostgreSQL (state and kernel stores), NATS JetStream (bus).</summary>
internal sealed record ClusterServers(string Redis, string Postgres, string Nats, int MaxPoolSize)
{
    /// <summary>Gets extra environment variables for every node, for experiments (for instance <c>DOTNET_gcServer=0</c>).</summary>
    public IReadOnlyDictionary<string, string> NodeEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Drops the cluster's schema, its NATS streams and buckets, and its Redis membership rows; best effort.</summary>
    public async Task CleanUpAsync(string schema, IEnumerable<string> streamPrefixes, string serviceId)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Postgres);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            Console.Error.WriteLine($"Could not drop schema {schema}: {e.Message}");
        }

        try
        {
            await using var connection = new NatsConnection(new NatsOpts { Url = Nats });
            var jetStream = new NatsJSContext(connection);
            var kv = new NatsKVContext(jetStream);
            foreach (var prefix in streamPrefixes)
            {
                await IgnoreMissingAsync(async () => await jetStream.DeleteStreamAsync(prefix + "_MESSAGES"));
                await IgnoreMissingAsync(async () => await kv.DeleteStoreAsync(prefix + "_LEDGER"));
            }
        }
        catch (NatsException e)
        {
            Console.Error.WriteLine($"Could not delete the NATS streams: {e.Message}");
        }

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
            Console.Error.WriteLine($"Could not delete the Redis membership rows: {e.Message}");
        }
    }

    private static async Task IgnoreMissingAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (NatsJSApiException)
        {
        }
    }
}
