using Aos.Conformance;
using Aos.Hosting;
using StackExchange.Redis;

namespace Aos.Redis.Tests.Orleans;

/// <summary>Starts Orleans' Redis providers as <c>Aos:Cluster:Storage=redis</c> configures them, under a service id of the test's own.</summary>
internal sealed class RedisClusterStorage : IAsyncDisposable
{
    private ClusterStorageHost? _host;

    public string ServiceId { get; } = "aos-test-" + Guid.NewGuid().ToString("N");

    public ClusterStorageHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task<ClusterStorageHost> StartAsync(CancellationToken cancellationToken)
    {
        await RedisTestServer.RequireAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _host = await ClusterStorageHost.StartAsync(
            new Dictionary<string, string?>
            {
                [AosClusterStorage.StorageKey] = "redis",
                [AosClusterStorage.RedisConnectionStringKey] = RedisTestServer.ConnectionString,
            },
            ServiceId,
            cancellationToken);
        return _host;
    }

    /// <summary>Gets the keys the providers wrote for this service id.</summary>
    public static async Task<List<RedisKey>> KeysAsync(IConnectionMultiplexer redis, string pattern)
    {
        var keys = new List<RedisKey>();
        foreach (var server in redis.GetServers())
        {
            await foreach (var key in server.KeysAsync(pattern: pattern))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is null)
        {
            return;
        }

        await _host.DisposeAsync();
        await using var redis = await RedisTestServer.ConnectAsync();
        foreach (var key in await KeysAsync(redis, $"*{ServiceId}*"))
        {
            await redis.GetDatabase().KeyDeleteAsync(key);
        }
    }
}
