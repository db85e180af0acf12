using Aos.Postgres.Storage;
using Aos.Storage;
using Npgsql;

namespace Aos.Postgres.Kernel;

/// <summary>Remembers processed message ids per agent in PostgreSQL, for receiver-side de-duplication.</summary>
/// <remarks>
/// Recording a message twice keeps the first record (<c>ON CONFLICT DO NOTHING</c>), so nodes that process the same message at once leave
/// one row. Times are stored as Unix milliseconds, as in the embedded store.
/// </remarks>
internal sealed class PostgresProcessedMessageLog : IProcessedMessageLog
{
    private const string Component = PostgresKernelMigrations.AgentProcessed;

    private readonly PostgresDatabase _database;

    /// <summary>Gets the database the store writes to.</summary>
    internal PostgresDatabase Database => _database;

    /// <summary>Initializes a new instance of the <see cref="PostgresProcessedMessageLog"/> class. Does no I/O.</summary>
    /// <param name="database">The database that holds the log.</param>
    public PostgresProcessedMessageLog(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async ValueTask<bool> ContainsAsync(AgentId agentId, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        return await _database.ExecuteAsync(
            Component,
            async (connection, token) => await connection.ScalarAsync<bool>(
                $"SELECT EXISTS (SELECT 1 FROM {_database.Schema}.agent_processed WHERE agent_id = $1 AND message_id = $2)", token, agentId.Value, messageId),
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask AddAsync(AgentId agentId, string messageId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        await _database.ExecuteAsync(
            Component,
            async (connection, token) => await InsertAsync(connection, _database.Schema, agentId.Value, [messageId], at, token),
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var millis = before.ToUnixTimeMilliseconds();
        return await _database.ExecuteAsync(
            Component,
            async (connection, token) => await connection.ExecuteAsync($"DELETE FROM {_database.Schema}.agent_processed WHERE at < $1", token, millis),
            cancellationToken);
    }

    /// <summary>Records processed messages on the caller's connection, for stores that commit a turn's records with its state.</summary>
    /// <param name="connection">The open connection, in the caller's transaction if any.</param>
    /// <param name="schema">The quoted schema name.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="messageIds">The message ids.</param>
    /// <param name="at">When they were processed.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many records were new.</returns>
    internal static Task<int> InsertAsync(NpgsqlConnection connection, string schema, string agentId, IReadOnlyList<string> messageIds, DateTimeOffset at, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(
            $"INSERT INTO {schema}.agent_processed (agent_id, message_id, at) SELECT $1, m, $3 FROM unnest($2::text[]) AS m ON CONFLICT DO NOTHING",
            cancellationToken,
            agentId,
            messageIds.ToArray(),
            at.ToUnixTimeMilliseconds());
}
