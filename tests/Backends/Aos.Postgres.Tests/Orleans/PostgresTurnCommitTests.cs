using Aos.Postgres.Kernel;
using Aos.Postgres.Orleans;
using Aos.Postgres.Storage;
using Aos.Postgres.Tests.Kernel;
using Aos.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Aos.Postgres.Tests.Orleans;

/// <summary>A turn's state, journal appends, processed marks and outgoing messages commit in one PostgreSQL transaction, or not at all.</summary>
public sealed class PostgresTurnCommitTests : IAsyncDisposable
{
    private static readonly AgentId Agent = AgentId.Parse("turner");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly PostgresKernelStorage _storage = new();

    public async ValueTask DisposeAsync()
    {
        await _storage.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task CommitTurnAsync_SameDatabase_CommitsEverythingTogether_AndAConflictWritesNothing()
    {
        var database = await _storage.OpenAsync();
        var (storage, journal, outbox, processed) = Create(database);
        var grain = GrainId.Create("test-grain", Guid.NewGuid().ToString("N"));
        var state = new GrainState<Conformance.CounterState> { State = new Conformance.CounterState { Count = 1 } };
        var writes = new AgentTurnWrites(DateTimeOffset.UnixEpoch.AddDays(1))
        {
            Appends = [new JournalAppend(JournalKind.History, ["""{"n":1}"""], DateTimeOffset.UnixEpoch.AddDays(1), 10)],
            ProcessedMessageIds = ["m-1"],
            Outbox = ["""{"id":"out-1","type":"t"}"""],
        };

        await storage.CommitTurnAsync("state", grain, state, Agent, writes, Ct);

        Assert.Equal("1", state.ETag);
        Assert.Single(await journal.ReadAsync(Agent, JournalKind.History, 10, Ct));
        Assert.True(await processed.ContainsAsync(Agent, "m-1", Ct));
        Assert.Single(await outbox.ReadAsync(10, Ct));

        var stale = new GrainState<Conformance.CounterState> { State = new Conformance.CounterState { Count = 2 }, ETag = "7" };
        var conflicting = writes with { ProcessedMessageIds = ["m-2"], Outbox = ["""{"id":"out-2","type":"t"}"""] };
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => storage.CommitTurnAsync("state", grain, stale, Agent, conflicting, Ct));

        Assert.Single(await journal.ReadAsync(Agent, JournalKind.History, 10, Ct));
        Assert.False(await processed.ContainsAsync(Agent, "m-2", Ct));
        Assert.Single(await outbox.ReadAsync(10, Ct));
        var read = new GrainState<Conformance.CounterState>();
        await storage.ReadStateAsync("state", grain, read);
        Assert.Equal(1, read.State?.Count);
    }

    [Fact]
    public async Task CommitTurnAsync_KernelStoresElsewhere_WritesThemSideBySide()
    {
        var kernel = await _storage.OpenAsync();
        await using var other = new PostgresKernelStorage();
        var (storage, _, _, _) = Create(await other.OpenAsync(), kernelDatabase: kernel);
        var journal = new PostgresAgentJournal(kernel);
        var grain = GrainId.Create("test-grain", Guid.NewGuid().ToString("N"));

        await storage.CommitTurnAsync("state", grain, new GrainState<Conformance.CounterState> { State = new Conformance.CounterState { Count = 1 } }, Agent,
            new AgentTurnWrites(DateTimeOffset.UnixEpoch) { Appends = [new JournalAppend(JournalKind.History, ["{}"], DateTimeOffset.UnixEpoch, 10)] }, Ct);

        Assert.Single(await journal.ReadAsync(Agent, JournalKind.History, 10, Ct));
    }

    private (PostgresGrainStorage Storage, PostgresAgentJournal Journal, PostgresAgentOutbox Outbox, PostgresProcessedMessageLog Processed) Create(PostgresDatabase database, PostgresDatabase? kernelDatabase = null)
    {
        kernelDatabase ??= database;
        var journal = new PostgresAgentJournal(kernelDatabase);
        var outbox = new PostgresAgentOutbox(kernelDatabase);
        var processed = new PostgresProcessedMessageLog(kernelDatabase);
        var storage = new PostgresGrainStorage(
            "aos",
            "svc-" + Guid.NewGuid().ToString("N")[..8],
            new PostgresStorageOptions { ConnectionString = PostgresTestServer.ConnectionString, Schema = database.SchemaName },
            new PostgresGrainStorageOptions { GrainStorageSerializer = new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()) });
        storage.UseTurnPartners(journal, outbox, processed);
        return (storage, journal, outbox, processed);
    }
}
