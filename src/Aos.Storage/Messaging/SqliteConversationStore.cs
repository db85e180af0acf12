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
    ];

    private const string GetSql = "SELECT id, status, participants, required, signoffs, next_seq, created_at, updated_at FROM conversations WHERE id = $id;";
    private const string UpsertSql =
        "INSERT INTO conversations (id, status, participants, required, signoffs, next_seq, created_at, updated_at) " +
        "VALUES ($id, $s, $p, $r, $so, $n, $c, $u) ON CONFLICT (id) DO UPDATE SET status = $s, participants = $p, required = $r, signoffs = $so, next_seq = $n, updated_at = $u;";

    private const string InsertMessageSql =
        "INSERT INTO conversation_messages (conversation_id, seq, message_id, type, source, target, topic, at) " +
        "VALUES ($c, $seq, $m, $t, $src, $tgt, $top, $at) ON CONFLICT DO NOTHING;";

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
        var relevant = messages.Where(m => !string.IsNullOrEmpty(m.Message.ConversationId)).ToList();
        if (relevant.Count == 0)
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
                    var row = Read(connection, message.ConversationId!) ?? Row.New(message.ConversationId!, now);
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

                    row.NextSeq++;
                    if (message.Source is { Length: > 0 } source && !row.Participants.Contains(source))
                    {
                        row.Participants.Add(source);
                    }

                    foreach (var recipient in recipients)
                    {
                        if (!row.Participants.Contains(recipient.Value))
                        {
                            row.Participants.Add(recipient.Value);
                        }
                    }

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
        return _schema.Database.Read((Id: id, Limit: messageLimit), static (connection, query) =>
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
        });
    }

    /// <inheritdoc />
    public async ValueTask<Conversation> RequireRolesAsync(string id, IReadOnlyList<string> roles, CancellationToken cancellationToken = default)
    {
        ValidateId(id);
        ArgumentNullException.ThrowIfNull(roles);
        var required = roles.Select(r => r?.Trim() ?? string.Empty).ToList();
        if (required.Count == 0 || required.Any(r => r.Length == 0))
        {
            throw new AosValidationException("A conversation needs at least one required role, and no role may be empty, for instance [\"reviewer\", \"approver\"].") { Field = "requiredRoles" };
        }

        if (required.Distinct(StringComparer.Ordinal).Count() != required.Count)
        {
            throw new AosValidationException("The required roles list a role twice; name each role once.") { Field = "requiredRoles" };
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        return await _schema.Database.WriteAsync(
            connection =>
            {
                var row = Read(connection, id) ?? Row.New(id, now);
                if (row.SignOffs.Count > 0 || row.Status == Conversation.Completed)
                {
                    throw new AosValidationException($"Conversation '{id}' already has sign-offs; its required roles can no longer change.") { Field = "requiredRoles" };
                }

                row.Required = required;
                Write(connection, row, now);
                return row.ToConversation([]);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<Conversation> SignOffAsync(string id, string role, string by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (string.IsNullOrWhiteSpace(role))
        {
            throw new AosValidationException("A sign-off needs the role that signs, for instance \"approver\".") { Field = "role" };
        }

        if (string.IsNullOrWhiteSpace(by))
        {
            throw new AosValidationException("A sign-off needs who signs ('by').") { Field = "by" };
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow();
        return await _schema.Database.WriteAsync(
            connection =>
            {
                var row = Read(connection, id) ?? throw new ConversationNotFoundException($"No conversation '{id}' exists. A conversation starts with its first message or when its required roles are set.");
                if (!row.Required.Contains(role, StringComparer.Ordinal))
                {
                    var allowed = row.Required.Count == 0 ? "it requires no sign-off" : "it requires " + string.Join(", ", row.Required);
                    throw new AosValidationException($"Role '{role}' is not required to sign off conversation '{id}': {allowed}.") { Field = "role" };
                }

                if (row.SignOffs.Any(s => s.Role == role))
                {
                    throw new AosValidationException($"Role '{role}' has already signed off conversation '{id}'; a role signs once.") { Field = "role" };
                }

                row.SignOffs.Add(new SignOff(role, by, now));
                if (row.Required.All(r => row.SignOffs.Any(s => s.Role == r)))
                {
                    row.Status = Conversation.Completed;
                }

                Write(connection, row, now.ToUnixTimeMilliseconds());
                return row.ToConversation([]);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static void ValidateId(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 256)
        {
            throw new AosValidationException("A conversation id must be 1 to 256 characters.") { Field = "id" };
        }
    }

    private static Row? Read(SqliteConnection connection, string id)
    {
        var command = SqliteCommandCache.Get(connection, GetSql, "$id");
        command.Parameters[0].Value = id;
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new Row
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

    private static void Write(SqliteConnection connection, Row row, long now)
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

    private sealed class Row
    {
        public required string Id { get; init; }

        public string Status { get; set; } = Conversation.Open;

        public List<string> Participants { get; init; } = [];

        public List<string> Required { get; set; } = [];

        public List<SignOff> SignOffs { get; init; } = [];

        public long NextSeq { get; set; } = 1;

        public long CreatedAt { get; init; }

        public long UpdatedAt { get; set; }

        public static Row New(string id, long now) => new() { Id = id, CreatedAt = now, UpdatedAt = now };

        public Conversation ToConversation(IReadOnlyList<ConversationMessage> messages) => new(
            Id, Status, Participants, Required, SignOffs, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt), messages);
    }
}
