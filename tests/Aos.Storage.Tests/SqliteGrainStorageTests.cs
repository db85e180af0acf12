using Aos.Conformance;
using Aos.Storage.Messaging;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Aos.Storage.Tests;

public sealed partial class SqliteGrainStorageTests : GrainStorageConformanceTests
{
    private readonly TempDirectory _directory = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private SqliteDatabase? _database;

    protected override ValueTask<IGrainStorage> CreateStorageAsync() => ValueTask.FromResult<IGrainStorage>(Create("test"));

    protected override async ValueTask<IGrainStorage> RestartStorageAsync()
    {
        await _database!.DisposeAsync();
        return Create("test");
    }

    protected override async ValueTask CorruptStoredStateAsync(string stateName, GrainId grainId) =>
        await _database!.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE grain_state SET data = x'00FFEE10DEADBEEF' WHERE state_name = $s AND grain_id = $g;";
            command.Parameters.AddWithValue("$s", stateName);
            command.Parameters.AddWithValue("$g", grainId.ToString());
            return command.ExecuteNonQuery();
        }, Ct);

    protected override async ValueTask DisposeStorageAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await _services.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task CommitTurnAsync_WritesStateJournalProcessedMarksAndOutboxTogether()
    {
        var turns = (IAgentTurnStore)Storage;
        var journal = new SqliteAgentJournal(_database!);
        var agent = AgentId.Parse("turn-agent");
        var grain = NewGrainId();
        var state = new GrainState<CounterState> { State = new CounterState { Count = 1 } };
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

        await turns.CommitTurnAsync(
            StateName,
            grain,
            state,
            agent,
            new AgentTurnWrites(at)
            {
                Appends = [new JournalAppend(JournalKind.History, ["{\"n\":1}"], at, 10), new JournalAppend(JournalKind.Memory, ["{\"m\":1}"], at, 10)],
                ProcessedMessageIds = ["in-1"],
                Outbox = ["{\"id\":\"out-1\"}"],
            },
            Ct);

        var read = new GrainState<CounterState>();
        await Storage.ReadStateAsync(StateName, grain, read, Ct);
        Assert.Equal(1, read.State!.Count);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal(["{\"n\":1}"], (await journal.ReadAsync(agent, JournalKind.History, 10, Ct)).Select(e => e.Data));
        Assert.Equal(["{\"m\":1}"], (await journal.ReadAsync(agent, JournalKind.Memory, 10, Ct)).Select(e => e.Data));
        Assert.True(await new SqliteProcessedMessageLog(_database!).ContainsAsync(agent, "in-1", Ct));
        Assert.Equal(["{\"id\":\"out-1\"}"], (await new SqliteAgentOutbox(_database!).ReadAsync(10, Ct)).Where(e => e.AgentId == agent).Select(e => e.Envelope));
    }

    [Fact]
    public async Task CommitTurnAsync_StaleETag_WritesNothing()
    {
        var turns = (IAgentTurnStore)Storage;
        var journal = new SqliteAgentJournal(_database!);
        var agent = AgentId.Parse("stale-agent");
        var grain = NewGrainId();
        await Storage.WriteStateAsync(StateName, grain, new GrainState<CounterState> { State = new CounterState { Count = 1 } }, Ct);
        var stale = new GrainState<CounterState> { State = new CounterState { Count = 2 } };

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            turns.CommitTurnAsync(
                StateName,
                grain,
                stale,
                agent,
                new AgentTurnWrites(DateTimeOffset.UnixEpoch)
                {
                    Appends = [new JournalAppend(JournalKind.History, ["{}"], DateTimeOffset.UnixEpoch, 10)],
                    ProcessedMessageIds = ["in-2"],
                    Outbox = ["{}"],
                },
                Ct));

        var read = new GrainState<CounterState>();
        await Storage.ReadStateAsync(StateName, grain, read, Ct);
        Assert.Equal(1, read.State!.Count);
        Assert.Empty(await journal.ReadAsync(agent, JournalKind.History, 10, Ct));
        Assert.False(await new SqliteProcessedMessageLog(_database!).ContainsAsync(agent, "in-2", Ct));
        Assert.DoesNotContain(await new SqliteAgentOutbox(_database!).ReadAsync(10, Ct), e => e.AgentId == agent);
    }

    [Fact]
    public async Task WriteStateAsync_TwoProvidersSameDatabase_DoNotSeeEachOther()
    {
        var other = new SqliteGrainStorage("other", _database!, Options());
        var grain = NewGrainId();
        await Storage.WriteStateAsync(StateName, grain, new GrainState<CounterState> { State = new CounterState { Count = 1 } }, Ct);

        var read = new GrainState<CounterState>();
        await other.ReadStateAsync(StateName, grain, read, Ct);

        Assert.False(read.RecordExists);
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
        var error = Assert.Throws<ArgumentException>(() => new SqliteGrainStorage("x", _database!, new SqliteGrainStorageOptions()));

        Assert.Contains(nameof(SqliteGrainStorageOptions.GrainStorageSerializer), error.Message);
    }

    private SqliteGrainStorage Create(string name)
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory.Path });
        return new SqliteGrainStorage(name, _database, Options());
    }

    private SqliteGrainStorageOptions Options() =>
        new() { GrainStorageSerializer = new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()) };
}
