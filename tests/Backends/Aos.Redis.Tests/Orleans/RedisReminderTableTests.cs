using Aos.Conformance;
using Orleans;

namespace Aos.Redis.Tests.Orleans;

/// <summary>Runs the reminder table conformance kit on Orleans' Redis reminder table, as AOS configures it.</summary>
public sealed class RedisReminderTableTests : ReminderTableConformanceTests
{
    private readonly RedisClusterStorage _redis = new();

    protected override async ValueTask<IReminderTable> CreateTableAsync() => (await _redis.StartAsync(Ct)).ReminderTable;

    protected override async ValueTask<IReminderTable> RestartTableAsync() => (await _redis.StartAsync(Ct)).ReminderTable;

    protected override ValueTask DisposeTableAsync() => _redis.DisposeAsync();
}
