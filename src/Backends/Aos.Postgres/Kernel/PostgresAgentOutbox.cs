using Aos.Postgres.Storage;
using Aos.Storage;
using Npgsql;

namespace Aos.Postgres.Kernel;

/// <summary>Keeps the transactional outbox in PostgreSQL: one row per outgoing message, with never-reused sequences from an identity column.</summary>
/// <remarks>
/// An add inserts its messages in one statement, numbered in their order. One sender's adds follow each other, so its messages are
/// numbered in the order it sent them and come back in that order. Several nodes may read the outbox at once: each may route an entry the
/// other routes too (recipients de-duplicate by message id), and removing an entry that is gone already is not an error.
/// </remarks>
internal sealed class PostgresAgentOutbox : IAgentOutbox
{
    private const string Component = PostgresKernelMigrations.AgentOutbox;

    private readonly PostgresDatabase _database;

    /// <summary>Gets the database the store writes to.</summary>
    internal PostgresDatabase Database => _database;

    /// <summary>Initializes a new instance of the <see cref="PostgresAgentOutbox"/> class. Does no I/O.</summary>
    /// <param name="database">The database that holds the outbox.</param>
    public PostgresAgentOutbox(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async ValueTask AddAsync(AgentId agentId, IReadOnlyList<string> envelopes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        if (envelopes.Count == 0)
        {
            return;
        }

        await _database.ExecuteAsync(Component, async (connection, token) => await InsertAsync(connection, _database.Schema, agentId.Value, envelopes, token), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OutboxEntry>> ReadAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return await _database.ExecuteAsync(
            Component,
            async (connection, token) =>
            {
                await using var command = connection.Command($"SELECT seq, agent_id, envelope FROM {_database.Schema}.agent_outbox ORDER BY seq LIMIT $1", limit);
                await using var reader = await command.ExecuteReaderAsync(token);
                var entries = new List<OutboxEntry>();
                while (await reader.ReadAsync(token))
                {
                    entries.Add(new OutboxEntry(reader.GetInt64(0), AgentId.Parse(reader.GetString(1)), reader.GetString(2)));
                }

                return (IReadOnlyList<OutboxEntry>)entries;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask RemoveAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
        {
            return;
        }

        var array = sequences.ToArray();
        await _database.ExecuteAsync(
            Component,
            async (connection, token) => await connection.ExecuteAsync($"DELETE FROM {_database.Schema}.agent_outbox WHERE seq = ANY ($1::bigint[])", token, array),
            cancellationToken);
    }

    /// <summary>Adds an agent's outgoing messages on the caller's connection, for stores that commit a turn's messages with its state.</summary>
    /// <param name="connection">The open connection, in the caller's transaction if any.</param>
    /// <param name="schema">The quoted schema name.</param>
    /// <param name="agentId">The sending agent.</param>
    /// <param name="envelopes">The messages, as JSON envelopes.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many messages were added.</returns>
    internal static Task<int> InsertAsync(NpgsqlConnection connection, string schema, string agentId, IReadOnlyList<string> envelopes, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(
            $"INSERT INTO {schema}.agent_outbox (agent_id, envelope) SELECT $1, e.envelope FROM unnest($2::text[]) WITH ORDINALITY AS e(envelope, n) ORDER BY e.n",
            cancellationToken,
            agentId,
            envelopes.ToArray());
}
