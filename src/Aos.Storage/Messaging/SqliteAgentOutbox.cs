using Aos.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Messaging;

/// <summary>Keeps the transactional outbox in the embedded SQLite database: one row per outgoing message, never-reused sequences.</summary>
public sealed class SqliteAgentOutbox : IAgentOutbox
{
    internal const string SchemaComponent = "aos.agent_outbox";

    internal static readonly string[] Migrations =
    [
        """
        CREATE TABLE agent_outbox (
            seq      INTEGER PRIMARY KEY AUTOINCREMENT,
            agent_id TEXT NOT NULL,
            envelope TEXT NOT NULL);
        """,
    ];

    private const string InsertSql = "INSERT INTO agent_outbox (agent_id, envelope) VALUES ($a, $e);";
    private const string ReadSql = "SELECT seq, agent_id, envelope FROM agent_outbox ORDER BY seq LIMIT $n;";
    private const string DeleteSql = "DELETE FROM agent_outbox WHERE seq = $s;";

    private readonly SchemaGate _schema;

    /// <summary>Initializes a new instance of the <see cref="SqliteAgentOutbox"/> class.</summary>
    /// <param name="database">The database that holds the outbox.</param>
    public SqliteAgentOutbox(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _schema = new SchemaGate(database, SchemaComponent, Migrations);
    }

    /// <inheritdoc />
    public async ValueTask AddAsync(AgentId agentId, IReadOnlyList<string> envelopes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        if (envelopes.Count == 0)
        {
            return;
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _schema.Database.WriteAsync(c => Insert(c, agentId.Value, envelopes), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OutboxEntry>> ReadAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _schema.Database.ReadAsync(limit, static (connection, limit) =>
        {
            var command = SqliteCommandCache.Get(connection, ReadSql, "$n");
            command.Parameters[0].Value = limit;
            var entries = new List<OutboxEntry>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                entries.Add(new OutboxEntry(reader.GetInt64(0), AgentId.Parse(reader.GetString(1)), reader.GetString(2)));
            }

            return entries;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RemoveAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
        {
            return;
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _schema.Database.WriteAsync(
            connection =>
            {
                var command = SqliteCommandCache.Get(connection, DeleteSql, "$s");
                foreach (var sequence in sequences)
                {
                    command.Parameters[0].Value = sequence;
                    command.ExecuteNonQuery();
                }

                return sequences.Count;
            },
            cancellationToken).ConfigureAwait(false);
    }

    internal static int Insert(SqliteConnection connection, string agentId, IReadOnlyList<string> envelopes)
    {
        var command = SqliteStatement.Get(connection, InsertSql, "$a", "$e");
        foreach (var envelope in envelopes)
        {
            command.Bind(0, agentId).Bind(1, envelope).Execute();
        }

        return envelopes.Count;
    }
}
