using Aos.Conformance;
using Aos.Postgres.Orleans;
using Aos.Postgres.Storage;
using Aos.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Aos.Postgres.Tests.Orleans;

/// <summary>Runs the grain storage conformance kit on PostgreSQL, in the shared test schema under a service id of the test's own.</summary>
public sealed class PostgresGrainStorageTests : GrainStorageConformanceTests
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly string _serviceId = "test-" + Guid.NewGuid().ToString("N");
    private PostgresGrainStorage? _storage;

    protected override async ValueTask<IGrainStorage> CreateStorageAsync()
    {
        await PostgresTestServer.RequireAsync();
        _storage = Create("test", _serviceId);
        await _storage.StartAsync(Ct);
        return _storage;
    }

    protected override async ValueTask<IGrainStorage> RestartStorageAsync()
    {
        await _storage!.DisposeAsync();
        return await CreateStorageAsync();
    }

    protected override async ValueTask CorruptStoredStateAsync(string stateName, GrainId grainId)
    {
        await using var connection = await PostgresTestServer.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"UPDATE \"{PostgresTestServer.SharedSchema}\".orleans_grain_state SET data = '\\x00FFEE10DEADBEEF'::bytea WHERE service_id = $1 AND state_name = $2 AND grain_id = $3",
            connection)
        {
            Parameters = { new() { Value = _serviceId }, new() { Value = stateName }, new() { Value = grainId.ToString() } },
        };
        Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
    }

    protected override async ValueTask DisposeStorageAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        await _services.DisposeAsync();
    }

    [Fact]
    public async Task WriteStateAsync_OtherProviderOrServiceOnTheSameSchema_DoNotSeeTheState()
    {
        await using var otherProvider = Create("other", _serviceId);
        await using var otherService = Create("test", _serviceId + "-other");
        var grain = NewGrainId();
        await Storage.WriteStateAsync(StateName, grain, new GrainState<CounterState> { State = new CounterState { Count = 1 } }, Ct);

        var byProvider = new GrainState<CounterState>();
        var byService = new GrainState<CounterState>();
        await otherProvider.ReadStateAsync(StateName, grain, byProvider, Ct);
        await otherService.ReadStateAsync(StateName, grain, byService, Ct);

        Assert.False(byProvider.RecordExists);
        Assert.False(byService.RecordExists);
    }

    [Fact]
    public async Task ClearStateAsync_ThenReactivate_NewActivationWritesWithStoredETag()
    {
        var grain = NewGrainId();
        var state = new GrainState<CounterState> { State = new CounterState { Count = 1 } };
        await Storage.WriteStateAsync(StateName, grain, state, Ct);
        await Storage.ClearStateAsync(StateName, grain, state, Ct);

        var reactivated = new GrainState<CounterState>();
        await Storage.ReadStateAsync(StateName, grain, reactivated, Ct);
        reactivated.State = new CounterState { Count = 5 };
        await Storage.WriteStateAsync(StateName, grain, reactivated, Ct);

        Assert.Equal("3", reactivated.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_TwoWritersWithTheSameETag_ExactlyOneWins()
    {
        var grain = NewGrainId();
        var state = new GrainState<CounterState> { State = new CounterState { Count = 1 } };
        await Storage.WriteStateAsync(StateName, grain, state, Ct);
        var writers = Enumerable.Range(0, 8)
            .Select(i => new GrainState<CounterState> { State = new CounterState { Count = 10 + i }, ETag = state.ETag })
            .ToList();

        var results = await Task.WhenAll(writers.Select(async w =>
        {
            try
            {
                await Storage.WriteStateAsync(StateName, grain, w, Ct);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        Assert.Single(results, won => won);
    }

    [Fact]
    public async Task ReadStateAsync_CorruptRecord_ThrowsAosExceptionWithTheSerializerError()
    {
        var grain = NewGrainId();
        await Storage.WriteStateAsync(StateName, grain, new GrainState<CounterState> { State = new CounterState() }, Ct);
        await CorruptStoredStateAsync(StateName, grain);

        var error = await Assert.ThrowsAsync<AosException>(() => Storage.ReadStateAsync(StateName, grain, new GrainState<CounterState>(), Ct));

        Assert.NotNull(error.InnerException);
        Assert.Contains(grain.ToString(), error.Message);
    }

    [Fact]
    public void Constructor_NoSerializer_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentException>(() => new PostgresGrainStorage(
            "x", _serviceId, new PostgresStorageOptions { ConnectionString = PostgresTestServer.ConnectionString }, new PostgresGrainStorageOptions()));

        Assert.Contains(nameof(PostgresGrainStorageOptions.GrainStorageSerializer), error.Message);
    }

    [Fact]
    public void Constructor_NoConnectionString_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentException>(() => new PostgresGrainStorage("x", _serviceId, new PostgresStorageOptions(), Options()));

        Assert.Contains("Aos:Storage:Postgres:ConnectionString", error.Message);
    }

    [Fact]
    public async Task ClearedState_ItsRowIsSweptOnlyAfterTheRetention_OnlyItsOwn_AndTheGrainThenStartsAfresh()
    {
        var (cleared, recent, kept) = (NewGrainId(), NewGrainId(), NewGrainId());
        var state = await WriteAsync(cleared);
        await Storage.ClearStateAsync(StateName, cleared, state, Ct);
        await Storage.ClearStateAsync(StateName, recent, await WriteAsync(recent), Ct);
        await WriteAsync(kept);
        await using var otherService = Create("test", _serviceId + "-other");
        var othersCleared = NewGrainId();
        var others = new GrainState<CounterState> { State = new CounterState { Count = 1 } };
        await otherService.WriteStateAsync(StateName, othersCleared, others, Ct);
        await otherService.ClearStateAsync(StateName, othersCleared, others, Ct);

        // The server's clock decides: the rows are aged on the server, one just past the retention and one just short of it.
        await AgeAsync(cleared, TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        await AgeAsync(recent, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(5));
        await AgeAsync(kept, TimeSpan.FromDays(30));
        await AgeAsync(othersCleared, TimeSpan.FromDays(30));

        Assert.Equal(1, await _storage!.SweepClearedStatesAsync(Ct));

        Assert.Equal(0, await RowsAsync(cleared));
        Assert.Equal(1, await RowsAsync(recent));
        Assert.Equal(1, await RowsAsync(kept));
        Assert.Equal(1, await RowsAsync(othersCleared));
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, cleared, new GrainState<CounterState> { State = new CounterState(), ETag = "1" }, Ct));
        var fresh = new GrainState<CounterState>();
        await Storage.ReadStateAsync(StateName, cleared, fresh, Ct);
        Assert.False(fresh.RecordExists);
        Assert.Null(fresh.ETag);
        fresh.State = new CounterState { Count = 7 };
        await Storage.WriteStateAsync(StateName, cleared, fresh, Ct);
        Assert.Equal(1, await RowsAsync(cleared));
    }

    [Fact]
    public void Options_RetentionUnderAnHour_AreRefusedNamingTheOption()
    {
        var options = Options();
        options.ClearedStateRetention = TimeSpan.FromMinutes(5);

        var error = Assert.Throws<ArgumentException>(() => new PostgresGrainStorage("bad", _serviceId, new PostgresStorageOptions { ConnectionString = "Host=localhost" }, options));

        Assert.Contains("ClearedStateRetention must be at least 01:00:00", error.Message, StringComparison.Ordinal);
    }

    private async Task<GrainState<CounterState>> WriteAsync(GrainId grain)
    {
        var state = new GrainState<CounterState> { State = new CounterState { Count = 1 } };
        await Storage.WriteStateAsync(StateName, grain, state, Ct);
        return state;
    }

    private async Task AgeAsync(GrainId grain, TimeSpan age)
    {
        await using var connection = await PostgresTestServer.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"UPDATE \"{PostgresTestServer.SharedSchema}\".orleans_grain_state SET modified_at = now() - $2 WHERE grain_id = $1",
            connection)
        {
            Parameters = { new() { Value = grain.ToString() }, new() { Value = age } },
        };
        Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
    }

    private async Task<long> RowsAsync(GrainId grain)
    {
        await using var connection = await PostgresTestServer.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{PostgresTestServer.SharedSchema}\".orleans_grain_state WHERE grain_id = $1", connection)
        {
            Parameters = { new() { Value = grain.ToString() } },
        };
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private PostgresGrainStorage Create(string name, string serviceId) => new(
        name,
        serviceId,
        new PostgresStorageOptions { ConnectionString = PostgresTestServer.ConnectionString, Schema = PostgresTestServer.SharedSchema },
        Options());

    private PostgresGrainStorageOptions Options() =>
        new() { GrainStorageSerializer = new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()) };
}
