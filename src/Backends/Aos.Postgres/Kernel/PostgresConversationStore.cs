using System.Text.Json;
using Aos.Conversations;
using Aos.Messaging;
using Aos.Postgres.Storage;
using Npgsql;

namespace Aos.Postgres.Kernel;

/// <summary>Keeps conversations in PostgreSQL: one row per conversation and one per message of its history.</summary>
/// <remarks>
/// Every change locks the conversation rows it touches (<c>SELECT … FOR UPDATE</c>, in id order) for its transaction, so nodes that record
/// messages, set roles or sign off one conversation at once take turns: sequence numbers are not reused, no participant or sign-off is lost,
/// and a role signs once. A message recorded twice (same conversation and message id) is kept once. Times are Unix milliseconds.
/// </remarks>
internal sealed partial class PostgresConversationStore : IConversationStore
{
    private const string Component = PostgresKernelMigrations.Conversations;
    private const string RowColumns = "id, status, participants::text, required::text, signoffs::text, next_seq, created_at, updated_at";

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _timeProvider;
    private readonly string _conversations;
    private readonly string _messages;

    /// <summary>Initializes a new instance of the <see cref="PostgresConversationStore"/> class. Does no I/O.</summary>
    /// <param name="database">The database that holds the conversations.</param>
    /// <param name="timeProvider">The clock.</param>
    public PostgresConversationStore(PostgresDatabase database, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = database;
        _timeProvider = timeProvider;
        _conversations = $"{database.Schema}.conversations";
        _messages = $"{database.Schema}.conversation_messages";
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

        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        await _database.ExecuteAsync(
            Component,
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token);
                var rows = await LockAsync(connection, [.. relevant.Select(m => m.Message.ConversationId!)], now, token);
                var changed = new HashSet<ConversationRecord>();
                foreach (var (message, recipients) in relevant)
                {
                    var row = rows[message.ConversationId!];
                    if (!await InsertMessageAsync(connection, row, message, now, token))
                    {
                        continue;
                    }

                    row.Add(message, recipients);
                    changed.Add(row);
                }

                foreach (var row in changed)
                {
                    await WriteAsync(connection, row, now, token);
                }

                await transaction.CommitAsync(token);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var millis = before.ToUnixTimeMilliseconds();
        return (int)await _database.ExecuteAsync(
            Component,
            // One statement: the conversation rows are locked as they are deleted, so a message recorded meanwhile waits, then starts the
            // conversation anew; its history goes with it.
            async (connection, token) => await connection.ScalarAsync<long>(
                $"WITH gone AS (DELETE FROM {_conversations} WHERE updated_at < $1 AND (status = $2 OR required = '[]'::jsonb) RETURNING id), " +
                $"history AS (DELETE FROM {_messages} WHERE conversation_id IN (SELECT id FROM gone)) SELECT count(*) FROM gone",
                token,
                millis,
                Conversation.Completed),
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<Conversation?> GetAsync(string id, int messageLimit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(messageLimit, 0);
        return await _database.ExecuteAsync(
            Component,
            async (connection, token) =>
            {
                // One snapshot for the row and its messages, so they agree even while another node records more.
                await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, token);
                var row = await ReadAsync(connection, $"SELECT {RowColumns} FROM {_conversations} WHERE id = $1", [id], token);
                if (row.Count == 0)
                {
                    return null;
                }

                var messages = new List<ConversationMessage>();
                await using (var command = connection.Command(
                    $"SELECT seq, message_id, type, source, target, topic, at FROM {_messages} WHERE conversation_id = $1 ORDER BY seq DESC LIMIT $2", id, messageLimit))
                await using (var reader = await command.ExecuteReaderAsync(token))
                {
                    while (await reader.ReadAsync(token))
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

                await transaction.CommitAsync(token);
                messages.Reverse();
                return row[0].ToConversation(messages);
            },
            cancellationToken);
    }

    /// <summary>Creates the conversations that do not exist yet and locks every one, in id order so that concurrent batches cannot deadlock.</summary>
    private async Task<Dictionary<string, ConversationRecord>> LockAsync(NpgsqlConnection connection, string[] ids, long now, CancellationToken cancellationToken)
    {
        var sorted = ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        await connection.ExecuteAsync(
            $"INSERT INTO {_conversations} (id, status, participants, required, signoffs, next_seq, created_at, updated_at) "
            + "SELECT i, $2, '[]', '[]', '[]', 1, $3, $3 FROM unnest($1::text[]) WITH ORDINALITY AS u(i, n) ORDER BY u.n ON CONFLICT (id) DO NOTHING",
            cancellationToken,
            sorted,
            Conversation.Open,
            now);
        var rows = await ReadAsync(connection, $"SELECT {RowColumns} FROM {_conversations} WHERE id = ANY ($1::text[]) ORDER BY id FOR UPDATE", [sorted], cancellationToken);
        return rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    /// <summary>Locks one conversation, creating it first when <paramref name="create"/> is set.</summary>
    private async Task<ConversationRecord?> LockAsync(NpgsqlConnection connection, string id, long now, bool create, CancellationToken cancellationToken)
    {
        if (create)
        {
            return (await LockAsync(connection, [id], now, cancellationToken))[id];
        }

        var rows = await ReadAsync(connection, $"SELECT {RowColumns} FROM {_conversations} WHERE id = $1 FOR UPDATE", [id], cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    private async Task<bool> InsertMessageAsync(NpgsqlConnection connection, ConversationRecord row, Envelope message, long now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(
            $"INSERT INTO {_messages} (conversation_id, seq, message_id, type, source, target, topic, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            cancellationToken,
            row.Id,
            row.NextSeq,
            message.Id,
            message.Type,
            message.Source,
            message.Target?.Value,
            message.Topic,
            message.Timestamp == default ? now : message.Timestamp.ToUnixTimeMilliseconds()) > 0;

    private static async Task<List<ConversationRecord>> ReadAsync(NpgsqlConnection connection, string sql, object?[] parameters, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ConversationRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ConversationRecord
            {
                Id = reader.GetString(0),
                Status = reader.GetString(1),
                Participants = JsonSerializer.Deserialize(reader.GetString(2), PostgresKernelJsonContext.Default.ListString)!,
                Required = JsonSerializer.Deserialize(reader.GetString(3), PostgresKernelJsonContext.Default.ListString)!,
                SignOffs = JsonSerializer.Deserialize(reader.GetString(4), PostgresKernelJsonContext.Default.ListSignOff)!,
                NextSeq = reader.GetInt64(5),
                CreatedAt = reader.GetInt64(6),
                UpdatedAt = reader.GetInt64(7),
            });
        }

        return rows;
    }

    private async Task WriteAsync(NpgsqlConnection connection, ConversationRecord row, long now, CancellationToken cancellationToken)
    {
        row.UpdatedAt = now;
        await connection.ExecuteAsync(
            $"UPDATE {_conversations} SET status = $2, participants = $3::jsonb, required = $4::jsonb, signoffs = $5::jsonb, next_seq = $6, updated_at = $7 WHERE id = $1",
            cancellationToken,
            row.Id,
            row.Status,
            JsonSerializer.Serialize(row.Participants, PostgresKernelJsonContext.Default.ListString),
            JsonSerializer.Serialize(row.Required, PostgresKernelJsonContext.Default.ListString),
            JsonSerializer.Serialize(row.SignOffs, PostgresKernelJsonContext.Default.ListSignOff),
            row.NextSeq,
            row.UpdatedAt);
    }

}
