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

    private PostgresGrainStorage Create(string name, string serviceId) => new(
        name,
        serviceId,
        new PostgresStorageOptions { ConnectionString = PostgresTestServer.ConnectionString, Schema = PostgresTestServer.SharedSchema },
        Options());

    private PostgresGrainStorageOptions Options() =>
        new() { GrainStorageSerializer = new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()) };
}
