using System.Text.Json;
using Aos.Conversations;
using Aos.Messaging;
using Aos.Storage.Serialization;
using Aos.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Messaging;

/// <summary>Keeps conversations in the embedded SQLite database: one row per conversation and one per message of its history.</summary>
public sealed class SqliteConversationStore : IConversationStore
{
    internal const string SchemaComponent = "aos.conversations";

    internal static readonly string[] Migrations =
    [
        """
        CREATE TABLE conversations (
            id           TEXT    NOT NULL PRIMARY KEY,
            status       TEXT    NOT NULL,
            participants TEXT    NOT NULL,
            required     TEXT    NOT NULL,
            signoffs     TEXT    NOT NULL,
            next_seq     INTEGER NOT NULL,
            created_at   INTEGER NOT NULL,
            updated_at   INTEGER NOT NULL);
        CREATE TABLE conversation_messages (
            conversation_id TEXT    NOT NULL,
            seq             INTEGER NOT NULL,
            message_id      TEXT    NOT NULL,
            type            TEXT    NOT NULL,
            source          TEXT,
            target          TEXT,
            topic           TEXT,
            at              INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID;
        CREATE UNIQUE INDEX ix_conversation_messages_id ON conversation_messages (conversation_id, message_id);
        """,
        "CREATE INDEX ix_conversations_updated ON conversations (updated_at);",
    ];

    private const string GetSql = "SELECT id, status, participants, required, signoffs, next_seq, created_at, updated_at FROM conversations WHERE id = $id;";
    private const string UpsertSql =
        "INSERT INTO conversations (id, status, participants, required, signoffs, next_seq, created_at, updated_at) " +
        "VALUES ($id, $s, $p, $r, $so, $n, $c, $u) ON CONFLICT (id) DO UPDATE SET status = $s, participants = $p, required = $r, signoffs = $so, next_seq = $n, updated_at = $u;";

    private const string InsertMessageSql =
        "INSERT INTO conversation_messages (conversation_id, seq, message_id, type, source, target, topic, at) " +
        "VALUES ($c, $seq, $m, $t, $src, $tgt, $top, $at) ON CONFLICT DO NOTHING;";

    // A conversation that waits for nothing: completed, or requiring no sign-off (its required roles are stored as a JSON list).
    private const string PrunableSql = "SELECT id FROM conversations WHERE updated_at < $before AND (status = 'completed' OR required = '[]')";
    private const string PruneMessagesSql = "DELETE FROM conversation_messages WHERE conversation_id IN (" + PrunableSql + ");";
    private const string PruneSql = "DELETE FROM conversations WHERE id IN (" + PrunableSql + ");";

    private const string MessagesSql = "SELECT seq, message_id, type, source, target, topic, at FROM conversation_messages WHERE conversation_id = $c ORDER BY seq DESC LIMIT $n;";

    private readonly SchemaGate _schema;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="SqliteConversationStore"/> class.</summary>
    /// <param name="database">The database that holds the conversations.</param>
    /// <param name="timeProvider">The clock.</param>
    public SqliteConversationStore(SqliteDatabase database, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _schema = new SchemaGate(database, SchemaComponent, Migrations);
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public async ValueTask RecordAsync(IReadOnlyList<(Envelope Message, IReadOnlyList<AgentId> Recipients)> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        List<(Envelope Message, IReadOnlyList<AgentId> Recipients)>? relevant = null;
        for (var i = 0; i < messages.Count; i++)
        {
            if (!string.IsNullOrEmpty(messages[i].Message.ConversationId))
            {
                (relevant ??= []).Add(messages[i]);
            }
        }

        if (relevant is null)
        {
            return;
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        await _schema.Database.WriteAsync(
            connection =>
            {
                foreach (var (message, recipients) in relevant)
                {
                    var row = Read(connection, message.ConversationId!) ?? ConversationRecord.New(message.ConversationId!, now);
                    var insert = SqliteCommandCache.Get(connection, InsertMessageSql, "$c", "$seq", "$m", "$t", "$src", "$tgt", "$top", "$at");
                    insert.Parameters[0].Value = row.Id;
                    insert.Parameters[1].Value = row.NextSeq;
                    insert.Parameters[2].Value = message.Id;
                    insert.Parameters[3].Value = message.Type;
                    insert.Parameters[4].Value = (object?)message.Source ?? DBNull.Value;
                    insert.Parameters[5].Value = (object?)message.Target?.Value ?? DBNull.Value;
                    insert.Parameters[6].Value = (object?)message.Topic ?? DBNull.Value;
                    insert.Parameters[7].Value = message.Timestamp == default ? now : message.Timestamp.ToUnixTimeMilliseconds();
                    if (insert.ExecuteNonQuery() == 0)
                    {
                        continue;
                    }

                    row.Add(message, recipients);
                    Write(connection, row, now);
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<Conversation?> GetAsync(string id, int messageLimit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(messageLimit, 0);
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _schema.Database.ReadAsync((Id: id, Limit: messageLimit), static (connection, query) =>
        {
            var row = Read(connection, query.Id);
            if (row is null)
            {
                return null;
            }

            var messages = new List<ConversationMessage>();
            var command = SqliteCommandCache.Get(connection, MessagesSql, "$c", "$n");
            command.Parameters[0].Value = query.Id;
            command.Parameters[1].Value = query.Limit;
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    messages.Add(new ConversationMessage(
                        reader.GetInt64(0),
                        reader.GetString(1),
                        reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.IsDBNull(4) ? null : reader.GetString(4),
                        reader.IsDBNull(5) ? null : reader.GetString(5),
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
                }
            }

            messages.Reverse();
            return row.ToConversation(messages);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<Conversation> RequireRolesAsync(string id, IReadOnlyList<string> roles, CancellationToken cancellationToken = default)
    {
        ConversationRecord.ValidateId(id);
        var required = ConversationRecord.ValidateRoles(roles);
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        return await _schema.Database.WriteAsync(
            connection =>
            {
                var row = Read(connection, id) ?? ConversationRecord.New(id, now);
                row.RequireRoles(required);
                Write(connection, row, now);
                return row.ToConversation([]);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<Conversation> SignOffAsync(string id, string role, string by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ConversationRecord.ValidateSignOff(role, by);

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow();
        return await _schema.Database.WriteAsync(
            connection =>
            {
                var row = Read(connection, id) ?? throw ConversationRecord.NotFound(id);
                row.SignOff(role, by, now);
                Write(connection, row, now.ToUnixTimeMilliseconds());
                return row.ToConversation([]);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var millis = before.ToUnixTimeMilliseconds();
        return await _schema.Database.WriteAsync(
            connection =>
            {
                // One transaction: a conversation's history goes with it, and a message recorded meanwhile waits for both.
                var messages = SqliteCommandCache.Get(connection, PruneMessagesSql, "$before");
                messages.Parameters[0].Value = millis;
                messages.ExecuteNonQuery();
                var conversations = SqliteCommandCache.Get(connection, PruneSql, "$before");
                conversations.Parameters[0].Value = millis;
                return conversations.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static ConversationRecord? Read(SqliteConnection connection, string id)
    {
        var command = SqliteCommandCache.Get(connection, GetSql, "$id");
        command.Parameters[0].Value = id;
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new ConversationRecord
        {
            Id = reader.GetString(0),
            Status = reader.GetString(1),
            Participants = JsonSerializer.Deserialize(reader.GetString(2), AosStorageJsonContext.Default.ListString)!,
            Required = JsonSerializer.Deserialize(reader.GetString(3), AosStorageJsonContext.Default.ListString)!,
            SignOffs = JsonSerializer.Deserialize(reader.GetString(4), AosStorageJsonContext.Default.ListSignOff)!,
            NextSeq = reader.GetInt64(5),
            CreatedAt = reader.GetInt64(6),
            UpdatedAt = reader.GetInt64(7),
        };
    }

    private static void Write(SqliteConnection connection, ConversationRecord row, long now)
    {
        row.UpdatedAt = now;
        var command = SqliteCommandCache.Get(connection, UpsertSql, "$id", "$s", "$p", "$r", "$so", "$n", "$c", "$u");
        command.Parameters[0].Value = row.Id;
        command.Parameters[1].Value = row.Status;
        command.Parameters[2].Value = JsonSerializer.Serialize(row.Participants, AosStorageJsonContext.Default.ListString);
        command.Parameters[3].Value = JsonSerializer.Serialize(row.Required, AosStorageJsonContext.Default.ListString);
        command.Parameters[4].Value = JsonSerializer.Serialize(row.SignOffs, AosStorageJsonContext.Default.ListSignOff);
        command.Parameters[5].Value = row.NextSeq;
        command.Parameters[6].Value = row.CreatedAt;
        command.Parameters[7].Value = row.UpdatedAt;
        command.ExecuteNonQuery();
    }

}
