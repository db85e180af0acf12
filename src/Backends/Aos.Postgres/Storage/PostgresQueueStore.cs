using Aos.Storage;
using Npgsql;

namespace Aos.Postgres.Storage;

/// <summary>Keeps one queue as rows of <c>queue_messages</c>, with times in Unix milliseconds of the injected clock.</summary>
/// <remarks>
/// A receive is one statement that locks the next visible messages with <c>FOR UPDATE SKIP LOCKED</c> (so concurrent receivers never get
/// the same message), hides them and gives each a new pop receipt; a message already received <c>MaxDequeueCount</c> times is
/// dead-lettered by the same statement instead (its <c>dead_at</c> is set). Completing deletes the message only with its current receipt.
/// </remarks>
internal sealed class PostgresQueueStore(PostgresDatabase database, string store, int maxDequeueCount, TimeProvider timeProvider) : IQueueStore
{
    private const string Returned = "id, body, dequeue_count, inserted_at";

    private readonly string _table = $"{database.Schema}.queue_messages";

    public async ValueTask<string> EnqueueAsync(string body, TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateEnqueue(body, delay);
        var id = Guid.NewGuid();
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var visibleAt = now + (long)(delay ?? TimeSpan.Zero).TotalMilliseconds;
        await database.ExecuteAsync(
            PostgresMigrations.Queues,
            async (connection, token) => await connection.ExecuteAsync(
                $"INSERT INTO {_table} (id, store, body, inserted_at, visible_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
                token,
                id,
                store,
                body,
                now,
                visibleAt),
            cancellationToken);
        return id.ToString("N");
    }

    public async ValueTask<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateReceive(maxMessages, visibilityTimeout);
        var received = new List<QueueMessage>();
        while (received.Count < maxMessages)
        {
            var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            var (messages, deadLettered) = await database.ExecuteAsync(
                PostgresMigrations.Queues,
                (connection, token) => ReceiveOnceAsync(connection, maxMessages - received.Count, now, now + (long)visibilityTimeout.TotalMilliseconds, token),
                cancellationToken);
            received.AddRange(messages);

            // Only dead-lettered messages can leave the batch short while more are visible: take their places.
            if (deadLettered == 0)
            {
                break;
            }
        }

        return received;
    }

    public async ValueTask CompleteAsync(QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.PopReceipt is null)
        {
            throw new AosValidationException("The message has no pop receipt: complete a message as received, not as peeked.") { Field = "message" };
        }

        if (!await ChangeOneAsync($"DELETE FROM {_table} WHERE id = $1 AND store = $2 AND pop_receipt = $3 AND dead_at IS NULL", message.Id, message.PopReceipt, cancellationToken))
        {
            throw new StorageConflictException(
                $"The message '{message.Id}' was received again after its visibility timeout, completed already, or dead-lettered: its pop receipt is stale. Its processing may run twice; make it idempotent.");
        }
    }

    public ValueTask<IReadOnlyList<QueueMessage>> PeekAsync(int maxMessages, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateReceive(maxMessages, null);
        return ReadAsync(
            $"SELECT {Returned} FROM {_table} WHERE store = $1 AND dead_at IS NULL AND visible_at <= $3 ORDER BY visible_at, seq LIMIT $2",
            cancellationToken,
            store,
            maxMessages,
            timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
    }

    public ValueTask<IReadOnlyList<QueueMessage>> PeekDeadLettersAsync(int maxMessages, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateReceive(maxMessages, null);
        return ReadAsync(
            $"SELECT {Returned} FROM {_table} WHERE store = $1 AND dead_at IS NOT NULL AND visible_at <= $3 ORDER BY dead_at, seq LIMIT $2",
            cancellationToken,
            store,
            maxMessages,
            timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
    }

    public async ValueTask<IReadOnlyList<QueueMessage>> ReceiveDeadLettersAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateReceive(maxMessages, visibilityTimeout);
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        return await database.ExecuteAsync<IReadOnlyList<QueueMessage>>(
            PostgresMigrations.Queues,
            async (connection, token) =>
            {
                await using var command = connection.Command(
                    $"""
                    WITH picked AS (
                        SELECT id, dead_at, seq FROM {_table}
                        WHERE store = $1 AND dead_at IS NOT NULL AND visible_at <= $2
                        ORDER BY dead_at, seq LIMIT $4
                        FOR UPDATE SKIP LOCKED)
                    UPDATE {_table} m SET visible_at = $3, pop_receipt = gen_random_uuid()::text
                    FROM picked WHERE m.id = picked.id
                    RETURNING m.id, m.body, m.dequeue_count, m.inserted_at, m.pop_receipt, picked.dead_at, picked.seq
                    """,
                    store,
                    now,
                    now + (long)visibilityTimeout.TotalMilliseconds,
                    maxMessages);
                await using var reader = await command.ExecuteReaderAsync(token);
                var received = new List<(QueueMessage Message, long DeadAt, long Seq)>();
                while (await reader.ReadAsync(token))
                {
                    received.Add((ReadMessage(reader, reader.GetString(4)), reader.GetInt64(5), reader.GetInt64(6)));
                }

                return [.. received.OrderBy(r => r.DeadAt).ThenBy(r => r.Seq).Select(r => r.Message)];
            },
            cancellationToken);
    }

    public async ValueTask<string> RequeueDeadLetterAsync(QueueMessage deadLetter, CancellationToken cancellationToken = default)
    {
        var receipt = StorageValues.ValidateDeadLetterReceipt(deadLetter, "requeued");
        var requeued = await ChangeOneAsync(
            $"UPDATE {_table} SET dead_at = NULL, dequeue_count = 0, visible_at = $4, pop_receipt = NULL WHERE id = $1 AND store = $2 AND pop_receipt = $3 AND dead_at IS NOT NULL",
            deadLetter.Id,
            receipt,
            cancellationToken,
            timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        return requeued ? deadLetter.Id : throw StaleDeadLetter(deadLetter, "requeued");
    }

    public async ValueTask DeleteDeadLetterAsync(QueueMessage deadLetter, CancellationToken cancellationToken = default)
    {
        var receipt = StorageValues.ValidateDeadLetterReceipt(deadLetter, "deleted");
        if (!await ChangeOneAsync($"DELETE FROM {_table} WHERE id = $1 AND store = $2 AND pop_receipt = $3 AND dead_at IS NOT NULL", deadLetter.Id, receipt, cancellationToken))
        {
            throw StaleDeadLetter(deadLetter, "deleted");
        }
    }

    /// <summary>Runs a statement on one message of this store, named by its id ($1), the store ($2) and its pop receipt ($3), with more parameters from $4.</summary>
    /// <returns>Whether it changed that message: <see langword="false"/> for an id this store never gave out, or a stale receipt.</returns>
    private async ValueTask<bool> ChangeOneAsync(string sql, string messageId, string receipt, CancellationToken cancellationToken, params object[] more) =>
        Guid.TryParseExact(messageId, "N", out var id) && await database.ExecuteAsync(
            PostgresMigrations.Queues,
            async (connection, token) => await connection.ExecuteAsync(sql, token, [id, store, receipt, .. more]) == 1,
            cancellationToken);

    private static StorageConflictException StaleDeadLetter(QueueMessage deadLetter, string action) => new(
        $"The dead letter '{deadLetter.Id}' cannot be {action} with this receipt: it was received again after its visibility timeout, or requeued or deleted already. Receive it again to act on it.");

    private static QueueMessage ReadMessage(NpgsqlDataReader reader, string? popReceipt) => new(
        reader.GetGuid(0).ToString("N"),
        reader.GetString(1),
        reader.GetInt32(2),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        popReceipt);

    /// <summary>Receives up to <paramref name="count"/> messages in one statement; returns them and how many poisoned ones it dead-lettered instead.</summary>
    private async ValueTask<(List<QueueMessage> Messages, int DeadLettered)> ReceiveOnceAsync(NpgsqlConnection connection, int count, long now, long hiddenUntil, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            $"""
            WITH picked AS (
                SELECT id, visible_at, seq, dequeue_count >= $5 AS poisoned FROM {_table}
                WHERE store = $1 AND dead_at IS NULL AND visible_at <= $2
                ORDER BY visible_at, seq LIMIT $4
                FOR UPDATE SKIP LOCKED),
            dead AS (
                UPDATE {_table} m SET dead_at = $2, pop_receipt = NULL
                FROM picked WHERE m.id = picked.id AND picked.poisoned
                RETURNING m.id),
            received AS (
                UPDATE {_table} m SET dequeue_count = m.dequeue_count + 1, visible_at = $3, pop_receipt = gen_random_uuid()::text
                FROM picked WHERE m.id = picked.id AND NOT picked.poisoned
                RETURNING m.id, m.body, m.dequeue_count, m.inserted_at, m.pop_receipt, picked.visible_at AS was_visible_at, m.seq)
            SELECT id, body, dequeue_count, inserted_at, pop_receipt, was_visible_at, seq FROM received
            UNION ALL
            SELECT id, NULL, 0, 0, NULL, NULL, NULL FROM dead
            ORDER BY 6, 7
            """,
            store,
            now,
            hiddenUntil,
            count,
            maxDequeueCount);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var messages = new List<QueueMessage>();
        var deadLettered = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.IsDBNull(4))
            {
                deadLettered++;
            }
            else
            {
                messages.Add(ReadMessage(reader, reader.GetString(4)));
            }
        }

        return (messages, deadLettered);
    }

    private async ValueTask<IReadOnlyList<QueueMessage>> ReadAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        return await database.ExecuteAsync<IReadOnlyList<QueueMessage>>(
            PostgresMigrations.Queues,
            async (connection, token) =>
            {
                await using var command = connection.Command(sql, parameters);
                await using var reader = await command.ExecuteReaderAsync(token);
                var messages = new List<QueueMessage>();
                while (await reader.ReadAsync(token))
                {
                    messages.Add(ReadMessage(reader, null));
                }

                return messages;
            },
            cancellationToken);
    }
}
