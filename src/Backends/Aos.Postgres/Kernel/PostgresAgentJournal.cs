using Aos.Postgres.Storage;
using Aos.Storage;
using Npgsql;

namespace Aos.Postgres.Kernel;

/// <summary>Keeps agents' bounded append-only lists in PostgreSQL, one row per entry.</summary>
/// <remarks>
/// <para>
/// Each list has a head row in <c>agent_journal_heads</c> with its last sequence number. An append is one transaction of three statements sent
/// in one round trip: advance the head by the number of entries (an upsert that locks the head row until commit), insert the entries that
/// will be kept under the new numbers, and delete the entries that fell out of the newest <c>keep</c>. The head lock orders concurrent appends
/// to one list from any number of nodes, so each gets its own numbers in commit order and the trim of the later one sees the earlier one's
/// rows. Because the head survives trims, sequence numbers of a list are never reused until <see cref="DeleteAsync"/> removes the whole list.
/// </para>
/// <para>Timestamps are stored as Unix milliseconds, as in the embedded store.</para>
/// </remarks>
internal sealed class PostgresAgentJournal : IAgentJournal
{
    private const string Component = PostgresKernelMigrations.AgentJournal;

    private readonly PostgresDatabase _database;

    /// <summary>Gets the database the store writes to.</summary>
    internal PostgresDatabase Database => _database;

    /// <summary>Initializes a new instance of the <see cref="PostgresAgentJournal"/> class. Does no I/O.</summary>
    /// <param name="database">The database that holds the journals.</param>
    public PostgresAgentJournal(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async ValueTask AppendAsync(AgentId agentId, JournalKind kind, IReadOnlyList<string> entries, DateTimeOffset timestamp, int keep, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agentId.Value, nameof(agentId));
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        if (entries.Count == 0)
        {
            return;
        }

        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
        }

        var append = new JournalAppend(kind, entries, timestamp, keep);
        await _database.ExecuteAsync(
            Component,
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token);
                await AppendAsync(connection, _database.Schema, agentId.Value, append, token);
                await transaction.CommitAsync(token);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<JournalEntry>> ReadAsync(AgentId agentId, JournalKind kind, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agentId.Value, nameof(agentId));
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
        {
            return [];
        }

        return await _database.ExecuteAsync(
            Component,
            async (connection, token) =>
            {
                await using var command = connection.Command(
                    $"SELECT seq, at, data FROM {_database.Schema}.agent_journal WHERE agent_id = $1 AND kind = $2 ORDER BY seq DESC LIMIT $3",
                    agentId.Value,
                    (int)kind,
                    limit);
                await using var reader = await command.ExecuteReaderAsync(token);
                var entries = new List<JournalEntry>(Math.Min(limit, 256));
                while (await reader.ReadAsync(token))
                {
                    entries.Add(new JournalEntry(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2)));
                }

                entries.Reverse();
                return (IReadOnlyList<JournalEntry>)entries;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DeleteAsync(AgentId agentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agentId.Value, nameof(agentId));
        await _database.ExecuteAsync(
            Component,
            async (connection, token) =>
            {
                // The heads go first: deleting them waits for appends in flight, so the second statement sees (and deletes) their rows.
                await using var transaction = await connection.BeginTransactionAsync(token);
                await connection.ExecuteAsync($"DELETE FROM {_database.Schema}.agent_journal_heads WHERE agent_id = $1", token, agentId.Value);
                await connection.ExecuteAsync($"DELETE FROM {_database.Schema}.agent_journal WHERE agent_id = $1", token, agentId.Value);
                await transaction.CommitAsync(token);
                return true;
            },
            cancellationToken);
    }

    /// <summary>Appends to one list inside the caller's transaction, for stores that commit a turn's journal writes with its state.</summary>
    /// <param name="connection">The open connection, in a transaction the caller commits.</param>
    /// <param name="schema">The quoted schema name.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="append">The list, entries, time and limit.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the statements ran.</returns>
    internal static async Task AppendAsync(NpgsqlConnection connection, string schema, string agentId, JournalAppend append, CancellationToken cancellationToken)
    {
        var count = append.Entries.Count;
        var kind = (int)append.Kind;
        var head = $"(SELECT last_seq FROM {schema}.agent_journal_heads WHERE agent_id = $1 AND kind = $2)";
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Statement(
                    $"INSERT INTO {schema}.agent_journal_heads AS h (agent_id, kind, last_seq) VALUES ($1, $2, $3) "
                    + "ON CONFLICT (agent_id, kind) DO UPDATE SET last_seq = h.last_seq + excluded.last_seq",
                    agentId,
                    kind,
                    (long)count),

                // Only the entries that survive the trim are inserted: a batch larger than keep need not write rows only to delete them.
                Statement(
                    $"INSERT INTO {schema}.agent_journal (agent_id, kind, seq, at, data) "
                    + $"SELECT $1, $2, {head} - $3 + e.n, $4, e.data FROM unnest($5::text[]) WITH ORDINALITY AS e(data, n) WHERE e.n > $3 - $6",
                    agentId,
                    kind,
                    (long)count,
                    append.Timestamp.ToUnixTimeMilliseconds(),
                    append.Entries.ToArray(),
                    (long)append.Keep),
                Statement(
                    $"DELETE FROM {schema}.agent_journal WHERE agent_id = $1 AND kind = $2 AND seq <= {head} - $3",
                    agentId,
                    kind,
                    (long)append.Keep),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Statement(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}
