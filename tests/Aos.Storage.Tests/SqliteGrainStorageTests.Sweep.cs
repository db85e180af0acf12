using Aos.Conformance;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.Storage;

namespace Aos.Storage.Tests;

public sealed partial class SqliteGrainStorageTests
{
    [Fact]
    public async Task ClearedState_ItsRowIsSweptOnlyAfterTheRetention_OnlyItsOwn_AndTheGrainThenStartsAfresh()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
        var storage = new SqliteGrainStorage("sweep", _database!, Options(), timeProvider: time);
        var other = new SqliteGrainStorage("other", _database!, Options(), timeProvider: time);
        var (cleared, kept, othersCleared) = (NewGrainId(), NewGrainId(), NewGrainId());
        var state = await WriteAsync(storage, cleared);
        await WriteAsync(storage, kept);
        await storage.ClearStateAsync(StateName, cleared, state, Ct);
        await other.ClearStateAsync(StateName, othersCleared, await WriteAsync(other, othersCleared), Ct);
        var beforeClear = new GrainState<CounterState> { State = new CounterState(), ETag = "1" };

        time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await storage.SweepClearedStatesAsync(Ct));
        Assert.Equal(1, await RowsAsync(cleared));

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await storage.SweepClearedStatesAsync(Ct));

        Assert.Equal(0, await RowsAsync(cleared));
        Assert.Equal(1, await RowsAsync(kept));
        Assert.Equal(1, await RowsAsync(othersCleared));
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, cleared, beforeClear, Ct));
        var fresh = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, cleared, fresh, Ct);
        Assert.False(fresh.RecordExists);
        Assert.Null(fresh.ETag);
        fresh.State = new CounterState { Count = 7 };
        await storage.WriteStateAsync(StateName, cleared, fresh, Ct);
        Assert.Equal(1, await RowsAsync(cleared));
    }

    [Fact]
    public async Task ClearedState_WithoutARetention_KeepsItsRow()
    {
        var time = new FakeTimeProvider();
        var options = Options();
        options.ClearedStateRetention = null;
        var storage = new SqliteGrainStorage("keep", _database!, options, timeProvider: time);
        var grain = NewGrainId();
        await storage.ClearStateAsync(StateName, grain, await WriteAsync(storage, grain), Ct);

        time.Advance(TimeSpan.FromDays(400));

        Assert.Equal(0, await storage.SweepClearedStatesAsync(Ct));
        Assert.Equal(1, await RowsAsync(grain));
    }

    [Fact]
    public void Options_RetentionUnderAnHour_AreRefusedNamingTheOption()
    {
        var options = Options();
        options.ClearedStateRetention = TimeSpan.FromMinutes(5);

        var error = Assert.Throws<ArgumentException>(() => new SqliteGrainStorage("bad", _database!, options));

        Assert.Contains("ClearedStateRetention must be at least 01:00:00", error.Message, StringComparison.Ordinal);
    }

    private static async Task<GrainState<CounterState>> WriteAsync(SqliteGrainStorage storage, GrainId grain)
    {
        var state = new GrainState<CounterState> { State = new CounterState { Count = 1 } };
        await storage.WriteStateAsync(StateName, grain, state, Ct);
        return state;
    }

    private Task<long> RowsAsync(GrainId grain) =>
        _database!.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM grain_state WHERE grain_id = $g;";
            command.Parameters.AddWithValue("$g", grain.ToString());
            return (long)command.ExecuteScalar()!;
        }, Ct);
}
