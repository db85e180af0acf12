using Aos.Messaging;
using Aos.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Messaging;

/// <summary>Remembers processed message ids per agent in the embedded SQLite database, for receiver-side de-duplication.</summary>
/// <remarks>
/// A message of the embedded bus transport that its recipient's turn settled (<see cref="ITurnSettledTransport"/>) has no entry here:
/// its own row in <c>bus_messages</c>, marked delivered in the turn's transaction and kept for the de-duplication window, is the
/// record, and <see cref="ContainsAsync"/> consults both.
/// </remarks>
public sealed class SqliteProcessedMessageLog : IProcessedMessageLog
{
    internal const string SchemaComponent = "aos.agent_processed";

    internal static readonly string[] Migrations =
    [
        """
        CREATE TABLE agent_processed (
            agent_id   TEXT    NOT NULL,
            message_id TEXT    NOT NULL,
            at         INTEGER NOT NULL,
            PRIMARY KEY (agent_id, message_id)) WITHOUT ROWID;
        CREATE INDEX ix_agent_processed_at ON agent_processed (at);
        """,
    ];

    // A bus message the recipient's turn settled is recorded by its own row, marked delivered in the turn's transaction.
    private const string ContainsSql =
        "SELECT 1 FROM agent_processed WHERE agent_id = $a AND message_id = $m " +
        "UNION ALL SELECT 1 FROM bus_messages WHERE message_id = $m AND recipient = $a AND status = 1 LIMIT 1;";
    private const string InsertSql = "INSERT INTO agent_processed (agent_id, message_id, at) VALUES ($a, $m, $at) ON CONFLICT DO NOTHING;";
    private const string PruneSql = "DELETE FROM agent_processed WHERE at < $before;";
    private const string DeleteAgentSql = "DELETE FROM agent_processed WHERE agent_id = $a;";

    private readonly SchemaGate _schema;
    private readonly SchemaGate _busSchema;

    /// <summary>Initializes a new instance of the <see cref="SqliteProcessedMessageLog"/> class.</summary>
    /// <param name="database">The database that holds the log.</param>
    public SqliteProcessedMessageLog(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _schema = new SchemaGate(database, SchemaComponent, Migrations);
        _busSchema = new SchemaGate(database, SqliteMessageTransport.SchemaComponent, SqliteMessageTransport.Migrations);
    }

    /// <inheritdoc />
    public async ValueTask<bool> ContainsAsync(AgentId agentId, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _busSchema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var found = _schema.Database.ReadLatest((Agent: agentId.Value, Message: messageId), static (connection, key) =>
        {
            var command = SqliteCommandCache.Get(connection, ContainsSql, "$a", "$m");
            command.Parameters[0].Value = key.Agent;
            command.Parameters[1].Value = key.Message;
            return command.ExecuteScalar() is not null;
        });

        // A mark found may be one not yet on disk, which a power loss would take back with the turn that wrote it: the caller answers
        // "duplicate" only once it is durable. A mark not found needs no wait: only a prune, of marks past the window, deletes one.
        if (found)
        {
            await _schema.Database.WhenDurableAsync(cancellationToken).ConfigureAwait(false);
        }

        return found;
    }

    /// <inheritdoc />
    public async ValueTask AddAsync(AgentId agentId, string messageId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var millis = at.ToUnixTimeMilliseconds();
        await _schema.Database.WriteAsync(c => Insert(c, agentId.Value, messageId, millis), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _schema.Database.WriteAsync(
            connection =>
            {
                var command = SqliteCommandCache.Get(connection, PruneSql, "$before");
                command.Parameters[0].Value = before.ToUnixTimeMilliseconds();
                return command.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
    }

    internal static int Insert(SqliteConnection connection, string agentId, string messageId, long at)
    {
        return SqliteStatement.Get(connection, InsertSql, "$a", "$m", "$at").Bind(0, agentId).Bind(1, messageId).Bind(2, at).Execute();
    }

    internal static int DeleteAgent(SqliteConnection connection, string agentId)
    {
        var command = SqliteCommandCache.Get(connection, DeleteAgentSql, "$a");
        command.Parameters[0].Value = agentId;
        return command.ExecuteNonQuery();
    }
}
