using Aos.Postgres.Kernel;
using Aos.Storage;
using Orleans.Runtime;
using Orleans.Storage;

namespace Aos.Postgres.Orleans;

public sealed partial class PostgresGrainStorage : IAgentTurnStore
{
    private TurnPartners? _partners;

    /// <inheritdoc />
    /// <remarks>
    /// When the node's journal, outbox and processed-message log are the PostgreSQL ones on this storage's database and schema
    /// (<c>Aos:Cluster:Storage=postgres</c>), the state row and every write of the turn commit in one transaction, so a crash leaves all
    /// of them or none. Otherwise they are written side by side, as the kernel does for grain storage without this interface. Deliveries
    /// settled in the turn are for the embedded transport only, which never settles with this storage.
    /// </remarks>
    public async Task CommitTurnAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, AgentId agentId, AgentTurnWrites writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(agentId.Value, nameof(agentId));
        var partners = _partners ?? throw new InvalidOperationException(
            $"Grain storage '{_name}' was created without the agent journal, outbox and processed-message log it commits turns with; register it with AddPostgresGrainStorage.");
        if (!partners.SameDatabase(_database))
        {
            var writesSideBySide = new List<Task>(writes.Appends.Count + 3) { WriteStateAsync(stateName, grainId, grainState, cancellationToken) };
            writesSideBySide.AddRange(writes.Appends.Select(a => partners.Journal.AppendAsync(agentId, a.Kind, a.Entries, a.Timestamp, a.Keep, cancellationToken).AsTask()));
            writesSideBySide.Add(partners.Outbox.AddAsync(agentId, writes.Outbox, cancellationToken).AsTask());
            writesSideBySide.AddRange(writes.ProcessedMessageIds.Select(id => partners.Processed.AddAsync(agentId, id, writes.CommittedAt, cancellationToken).AsTask()));
            await Task.WhenAll(writesSideBySide);
            return;
        }

        var etag = grainState.ETag;
        if (!TryParseETag(etag, out var expected))
        {
            throw Conflict("write", stateName, grainId, null, etag);
        }

        foreach (var append in writes.Appends)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(append.Keep, 1, nameof(writes));
        }

        // The kernel tables are migrated by their own stores' components; make sure they exist before the one transaction uses them.
        foreach (var component in TurnPartners.Components)
        {
            await _database.RunAsync(component, static _ => ValueTask.FromResult(true), cancellationToken);
        }

        var data = ToArray(_serializer.Serialize(grainState.State));
        var grain = grainId.ToString();
        var (ok, version) = await _database.ExecuteAsync(
            PostgresOrleansMigrations.GrainState,
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token);
                var result = await WriteRowAsync(connection, stateName, grain, expected, data, token);
                if (!result.Ok)
                {
                    // Disposed uncommitted: nothing of the turn is written.
                    return result;
                }

                foreach (var append in writes.Appends)
                {
                    await PostgresAgentJournal.AppendAsync(connection, _database.Schema, agentId.Value, append, token);
                }

                if (writes.ProcessedMessageIds.Count > 0)
                {
                    await PostgresProcessedMessageLog.InsertAsync(connection, _database.Schema, agentId.Value, writes.ProcessedMessageIds, writes.CommittedAt, token);
                }

                if (writes.Outbox.Count > 0)
                {
                    await PostgresAgentOutbox.InsertAsync(connection, _database.Schema, agentId.Value, writes.Outbox, token);
                }

                await transaction.CommitAsync(token);
                return result;
            },
            cancellationToken);
        if (!ok)
        {
            throw Conflict("write", stateName, grainId, version, etag);
        }

        grainState.ETag = FormatETag(version);
        grainState.RecordExists = true;
    }

    /// <summary>Gives the storage the stores a turn commits to besides the state.</summary>
    internal void UseTurnPartners(IAgentJournal journal, IAgentOutbox outbox, IProcessedMessageLog processed) =>
        _partners = new TurnPartners(journal, outbox, processed);

    private sealed record TurnPartners(IAgentJournal Journal, IAgentOutbox Outbox, IProcessedMessageLog Processed)
    {
        public static readonly string[] Components = [PostgresKernelMigrations.AgentJournal, PostgresKernelMigrations.AgentOutbox, PostgresKernelMigrations.AgentProcessed];

        public bool SameDatabase(Storage.PostgresDatabase database) =>
            Journal is PostgresAgentJournal journal && journal.Database.Identity == database.Identity
            && Outbox is PostgresAgentOutbox outbox && outbox.Database.Identity == database.Identity
            && Processed is PostgresProcessedMessageLog processed && processed.Database.Identity == database.Identity;
    }
}
