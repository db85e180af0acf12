using Orleans.Runtime;
using Orleans.Storage;

namespace Aos.Conformance;

/// <summary>
/// Defines the behaviour every AOS grain storage backend must have; a backend's test class derives from it and supplies the storage.
/// </summary>
/// <remarks>
/// The contract: optimistic concurrency by ETag (a stale ETag, no ETag over a stored record and an ETag where nothing is stored all throw
/// <see cref="InconsistentStateException"/>, or a subclass of it, and change nothing); every write and clear changes the ETag; a clear leaves no record; state
/// names, grains and providers never mix; state survives a restart; a record the serializer cannot read fails the read.
/// Each test uses fresh grain ids, so backends on a shared server need no cleanup between tests.
/// </remarks>
public abstract class GrainStorageConformanceTests : IAsyncLifetime
{
    protected const string StateName = "state";

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected IGrainStorage Storage { get; private set; } = null!;

    public virtual async ValueTask InitializeAsync() => Storage = await CreateStorageAsync();

    public virtual async ValueTask DisposeAsync()
    {
        await DisposeStorageAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates the storage under test, empty.</summary>
    protected abstract ValueTask<IGrainStorage> CreateStorageAsync();

    /// <summary>Closes the storage and opens it again on the same data, as a silo restart would.</summary>
    protected abstract ValueTask<IGrainStorage> RestartStorageAsync();

    /// <summary>Overwrites a grain's stored state with bytes the serializer cannot read.</summary>
    protected abstract ValueTask CorruptStoredStateAsync(string stateName, GrainId grainId);

    protected virtual ValueTask DisposeStorageAsync() => ValueTask.CompletedTask;

    protected static GrainId NewGrainId() => GrainId.Create("test-grain", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task ReadStateAsync_NothingStored_LeavesDefaultStateAndNoRecord()
    {
        var state = new GrainState<CounterState>();

        await Storage.ReadStateAsync(StateName, NewGrainId(), state, Ct);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(new CounterState().Name, state.State!.Name);
        Assert.Equal(0, state.State!.Count);
    }

    [Fact]
    public async Task WriteStateAsync_ThenRead_RoundTripsStateAndETag()
    {
        var grain = NewGrainId();
        var written = new GrainState<CounterState> { State = new CounterState { Name = "a", Count = 3, Tags = ["x", "y"] } };

        await Storage.WriteStateAsync(StateName, grain, written, Ct);
        var read = new GrainState<CounterState>();
        await Storage.ReadStateAsync(StateName, grain, read, Ct);

        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("a", read.State!.Name);
        Assert.Equal(3, read.State!.Count);
        Assert.Equal(["x", "y"], read.State!.Tags);
    }

    [Fact]
    public async Task WriteStateAsync_EachWrite_ChangesETag()
    {
        var grain = NewGrainId();
        var state = new GrainState<CounterState> { State = new CounterState() };
        var etags = new HashSet<string?>();

        for (var i = 0; i < 5; i++)
        {
            state.State = state.State! with { Count = i };
            await Storage.WriteStateAsync(StateName, grain, state, Ct);
            Assert.True(etags.Add(state.ETag));
        }

        var read = new GrainState<CounterState>();
        await Storage.ReadStateAsync(StateName, grain, read, Ct);
        Assert.Equal(4, read.State!.Count);
    }

    [Fact]
    public async Task WriteStateAsync_StaleETag_ThrowsInconsistentStateAndKeepsStoredState()
    {
        var grain = NewGrainId();
        var first = new GrainState<CounterState> { State = new CounterState { Count = 1 } };
        await Storage.WriteStateAsync(StateName, grain, first, Ct);
        var stale = new GrainState<CounterState> { State = new CounterState { Count = 99 }, ETag = first.ETag };
        first.State = first.State! with { Count = 2 };
        await Storage.WriteStateAsync(StateName, grain, first, Ct);

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, stale, Ct));

        var read = new GrainState<CounterState>();
        await Storage.ReadStateAsync(StateName, grain, read, Ct);
        Assert.Equal(2, read.State!.Count);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_NoETagWhenRecordExists_ThrowsInconsistentState()
    {
        var grain = NewGrainId();
        await Storage.WriteStateAsync(StateName, grain, new GrainState<CounterState> { State = new CounterState { Count = 1 } }, Ct);
        var second = new GrainState<CounterState> { State = new CounterState { Count = 2 } };

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, second, Ct));
    }

    [Fact]
    public virtual async Task WriteStateAsync_ETagWhenNothingStored_ThrowsInconsistentState()
    {
        var state = new GrainState<CounterState> { State = new CounterState(), ETag = "12345" };

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, NewGrainId(), state, Ct));
    }

    [Fact]
    public async Task ClearStateAsync_StoredRecord_ResetsRecordExistsAndChangesETag()
    {
        var grain = NewGrainId();
        var state = new GrainState<CounterState> { State = new CounterState { Count = 7 } };
        await Storage.WriteStateAsync(StateName, grain, state, Ct);
        var written = state.ETag;

        await Storage.ClearStateAsync(StateName, grain, state, Ct);

        Assert.False(state.RecordExists);
        Assert.NotEqual(written, state.ETag);
        var read = new GrainState<CounterState>();
        await Storage.ReadStateAsync(StateName, grain, read, Ct);
        Assert.False(read.RecordExists);
        Assert.Equal(0, read.State!.Count);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_AfterClearWithNewETag_Succeeds()
    {
        var grain = NewGrainId();
        var state = new GrainState<CounterState> { State = new CounterState { Count = 1 } };
        await Storage.WriteStateAsync(StateName, grain, state, Ct);
        await Storage.ClearStateAsync(StateName, grain, state, Ct);

        state.State = new CounterState { Count = 2 };
        await Storage.WriteStateAsync(StateName, grain, state, Ct);

        Assert.True(state.RecordExists);
        var read = new GrainState<CounterState>();
        await Storage.ReadStateAsync(StateName, grain, read, Ct);
        Assert.True(read.RecordExists);
        Assert.Equal(2, read.State!.Count);
    }

    [Fact]
    public async Task ClearStateAsync_StaleETag_ThrowsInconsistentStateAndKeepsState()
    {
        var grain = NewGrainId();
        var state = new GrainState<CounterState> { State = new CounterState { Count = 1 } };
        await Storage.WriteStateAsync(StateName, grain, state, Ct);
        var stale = new GrainState<CounterState> { State = state.State, ETag = state.ETag };
        await Storage.WriteStateAsync(StateName, grain, state, Ct);

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, grain, stale, Ct));

        var read = new GrainState<CounterState>();
        await Storage.ReadStateAsync(StateName, grain, read, Ct);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task ClearStateAsync_NothingStored_Succeeds()
    {
        var state = new GrainState<CounterState> { State = new CounterState() };

        await Storage.ClearStateAsync(StateName, NewGrainId(), state, Ct);

        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task ReadStateAsync_CorruptRecord_Throws()
    {
        var grain = NewGrainId();
        await Storage.WriteStateAsync(StateName, grain, new GrainState<CounterState> { State = new CounterState { Count = 1 } }, Ct);
        await CorruptStoredStateAsync(StateName, grain);

        var read = new GrainState<CounterState>();

        await Assert.ThrowsAnyAsync<Exception>(() => Storage.ReadStateAsync(StateName, grain, read, Ct));
    }

    [Fact]
    public async Task WriteStateAsync_DifferentStateNamesAndGrains_AreIndependent()
    {
        var grain = NewGrainId();
        var other = NewGrainId();
        await Storage.WriteStateAsync("one", grain, new GrainState<CounterState> { State = new CounterState { Count = 1 } }, Ct);
        await Storage.WriteStateAsync("two", grain, new GrainState<CounterState> { State = new CounterState { Count = 2 } }, Ct);
        await Storage.WriteStateAsync("one", other, new GrainState<CounterState> { State = new CounterState { Count = 3 } }, Ct);

        Assert.Equal(1, (await ReadAsync("one", grain)).State!.Count);
        Assert.Equal(2, (await ReadAsync("two", grain)).State!.Count);
        Assert.Equal(3, (await ReadAsync("one", other)).State!.Count);
        Assert.False((await ReadAsync("two", other)).RecordExists);
    }

    [Fact]
    public async Task WriteStateAsync_ManyGrainsInParallel_EachKeepsItsOwnVersions()
    {
        var grains = Enumerable.Range(0, 50).Select(_ => (Id: NewGrainId(), State: new GrainState<CounterState> { State = new CounterState() })).ToList();

        await Parallel.ForEachAsync(grains, Ct, async (grain, ct) =>
        {
            for (var i = 1; i <= 10; i++)
            {
                grain.State.State = grain.State.State! with { Count = i };
                await Storage.WriteStateAsync(StateName, grain.Id, grain.State, ct);
            }
        });

        foreach (var (id, state) in grains)
        {
            var read = await ReadAsync(StateName, id);
            Assert.Equal(10, read.State!.Count);
            Assert.Equal(state.ETag, read.ETag);
        }
    }

    [Fact]
    public async Task ReadStateAsync_AfterRestart_ReturnsLastWrite()
    {
        var grain = NewGrainId();
        var state = new GrainState<CounterState> { State = new CounterState { Name = "durable", Count = 42 } };
        await Storage.WriteStateAsync(StateName, grain, state, Ct);

        Storage = await RestartStorageAsync();

        var read = await ReadAsync(StateName, grain);
        Assert.True(read.RecordExists);
        Assert.Equal(42, read.State!.Count);
        Assert.Equal(state.ETag, read.ETag);
    }

    private async Task<GrainState<CounterState>> ReadAsync(string stateName, GrainId grain)
    {
        var state = new GrainState<CounterState>();
        await Storage.ReadStateAsync(stateName, grain, state, Ct);
        return state;
    }
}
