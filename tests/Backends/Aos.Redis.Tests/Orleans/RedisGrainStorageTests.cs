using Aos.Conformance;
using Orleans.Runtime;
using Orleans.Storage;

namespace Aos.Redis.Tests.Orleans;

/// <summary>Runs the grain storage conformance kit on Orleans' Redis grain storage, as AOS configures it.</summary>
public sealed class RedisGrainStorageTests : GrainStorageConformanceTests
{
    private readonly RedisClusterStorage _redis = new();

    protected override async ValueTask<IGrainStorage> CreateStorageAsync() => (await _redis.StartAsync(Ct)).GrainStorage;

    protected override async ValueTask<IGrainStorage> RestartStorageAsync() => (await _redis.StartAsync(Ct)).GrainStorage;

    protected override async ValueTask CorruptStoredStateAsync(string stateName, GrainId grainId)
    {
        await using var redis = await RedisTestServer.ConnectAsync();
        var keys = await RedisClusterStorage.KeysAsync(redis, $"{_redis.ServiceId}/state/{grainId}*");
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            await redis.GetDatabase().HashSetAsync(key, "data", new byte[] { 0x00, 0xFF, 0xEE, 0x10, 0xDE, 0xAD, 0xBE, 0xEF });
        }
    }

    protected override ValueTask DisposeStorageAsync() => _redis.DisposeAsync();
}
