using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

/// <summary>A queue store of the embedded backend: a row per message in <c>storage_queue</c>, hidden until its <c>visible_at</c>.</summary>
/// <remarks>A receive is one writer operation, so two receivers never get the same message for the same visibility window.</remarks>
internal sealed class SqliteQueueStore(SqliteStorageProvider provider, string store, int maxDequeueCount) : IQueueStore
{
    private const string Columns = "id, body, dequeue_count, inserted_at";

    public async ValueTask<string> EnqueueAsync(string body, TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateEnqueue(body, delay);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var id = Guid.CreateVersion7(provider.TimeProvider.GetUtcNow()).ToString("N");
        var now = provider.Now();
        var visibleAt = now + (long)(delay ?? TimeSpan.Zero).TotalMilliseconds;
        await provider.Database.WriteAsync(
            connection =>
            {
                using var insert = SqliteStorageProvider.Command(
                    connection,
                    "INSERT INTO storage_queue (store, id, body, visible_at, dequeue_count, inserted_at, dead) VALUES ($s, $id, $b, $v, 0, $t, 0);",
                    ("$s", store), ("$id", id), ("$b", body), ("$v", visibleAt), ("$t", now));
                return insert.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
        return id;
    }

    public async ValueTask<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateReceive(maxMessages, visibilityTimeout);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var now = provider.Now();
        var hiddenUntil = now + (long)visibilityTimeout.TotalMilliseconds;
        return await provider.Database.WriteAsync(
            connection =>
            {
                var received = new List<QueueMessage>(maxMessages);
                while (received.Count < maxMessages)
                {
                    var candidates = Read(connection, $"SELECT {Columns}, seq FROM storage_queue WHERE store = $s AND dead = 0 AND visible_at <= $now ORDER BY visible_at, seq LIMIT {maxMessages - received.Count};", now);
                    if (candidates.Count == 0)
                    {
                        break;
                    }

                    foreach (var message in candidates)
                    {
                        if (message.DequeueCount >= maxDequeueCount)
                        {
                            // Received as often as allowed without being completed: it goes to the dead letters instead of out again.
                            Execute(connection, "UPDATE storage_queue SET dead = 1, pop_receipt = NULL WHERE id = $id;", ("$id", message.Id));
                            continue;
                        }

                        var receipt = Guid.NewGuid().ToString("N");
                        Execute(
                            connection,
                            "UPDATE storage_queue SET dequeue_count = dequeue_count + 1, visible_at = $v, pop_receipt = $r WHERE id = $id;",
                            ("$v", hiddenUntil), ("$r", receipt), ("$id", message.Id));
                        received.Add(message with { DequeueCount = message.DequeueCount + 1, PopReceipt = receipt });
                    }
                }

                return (IReadOnlyList<QueueMessage>)received;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask CompleteAsync(QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.PopReceipt is null)
        {
            throw new AosValidationException("Only a received message can be completed: this one has no pop receipt (it was peeked).") { Field = "popReceipt" };
        }

        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await provider.Database.WriteAsync(
            connection => Execute(
                connection,
                "DELETE FROM storage_queue WHERE store = $s AND id = $id AND pop_receipt = $r AND dead = 0;",
                ("$s", store), ("$id", message.Id), ("$r", message.PopReceipt)),
            cancellationToken).ConfigureAwait(false);
        if (deleted == 0)
        {
            throw new StorageConflictException(
                $"Message '{message.Id}' cannot be completed with this receipt: it was received again after its visibility timeout, completed already, or dead-lettered. Make processing idempotent, since a message can be handled more than once.");
        }
    }

    public async ValueTask<IReadOnlyList<QueueMessage>> PeekAsync(int maxMessages, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateReceive(maxMessages, null);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var now = provider.Now();
        return await provider.Database.ReadAsync(
            connection => (IReadOnlyList<QueueMessage>)Read(connection, $"SELECT {Columns} FROM storage_queue WHERE store = $s AND dead = 0 AND visible_at <= $now ORDER BY visible_at, seq LIMIT {maxMessages};", now),
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<QueueMessage>> PeekDeadLettersAsync(int maxMessages, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateReceive(maxMessages, null);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await provider.Database.ReadAsync(
            connection => (IReadOnlyList<QueueMessage>)Read(connection, $"SELECT {Columns} FROM storage_queue WHERE store = $s AND dead = 1 AND visible_at <= $now ORDER BY seq LIMIT {maxMessages};", provider.Now()),
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<QueueMessage>> ReceiveDeadLettersAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateReceive(maxMessages, visibilityTimeout);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var now = provider.Now();
        var hiddenUntil = now + (long)visibilityTimeout.TotalMilliseconds;
        return await provider.Database.WriteAsync(
            connection =>
            {
                var received = Read(connection, $"SELECT {Columns} FROM storage_queue WHERE store = $s AND dead = 1 AND visible_at <= $now ORDER BY seq LIMIT {maxMessages};", now);
                for (var i = 0; i < received.Count; i++)
                {
                    var receipt = Guid.NewGuid().ToString("N");
                    Execute(connection, "UPDATE storage_queue SET visible_at = $v, pop_receipt = $r WHERE id = $id;", ("$v", hiddenUntil), ("$r", receipt), ("$id", received[i].Id));
                    received[i] = received[i] with { PopReceipt = receipt };
                }

                return (IReadOnlyList<QueueMessage>)received;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<string> RequeueDeadLetterAsync(QueueMessage deadLetter, CancellationToken cancellationToken = default)
    {
        var receipt = StorageValues.ValidateDeadLetterReceipt(deadLetter, "requeued");
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var now = provider.Now();
        var changed = await provider.Database.WriteAsync(
            connection => Execute(
                connection,
                "UPDATE storage_queue SET dead = 0, dequeue_count = 0, visible_at = $now, pop_receipt = NULL WHERE store = $s AND id = $id AND pop_receipt = $r AND dead = 1;",
                ("$now", now), ("$s", store), ("$id", deadLetter.Id), ("$r", receipt)),
            cancellationToken).ConfigureAwait(false);
        return changed == 1 ? deadLetter.Id : throw StaleDeadLetter(deadLetter, "requeued");
    }

    public async ValueTask DeleteDeadLetterAsync(QueueMessage deadLetter, CancellationToken cancellationToken = default)
    {
        var receipt = StorageValues.ValidateDeadLetterReceipt(deadLetter, "deleted");
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await provider.Database.WriteAsync(
            connection => Execute(connection, "DELETE FROM storage_queue WHERE store = $s AND id = $id AND pop_receipt = $r AND dead = 1;", ("$s", store), ("$id", deadLetter.Id), ("$r", receipt)),
            cancellationToken).ConfigureAwait(false);
        if (deleted == 0)
        {
            throw StaleDeadLetter(deadLetter, "deleted");
        }
    }

    private static StorageConflictException StaleDeadLetter(QueueMessage deadLetter, string action) => new(
        $"Dead letter '{deadLetter.Id}' cannot be {action} with this receipt: it was received again after its visibility timeout, or requeued or deleted already. Receive it again to act on it.");

    private List<QueueMessage> Read(SqliteConnection connection, string sql, long now)
    {
        using var command = SqliteStorageProvider.Command(connection, sql, ("$s", store), ("$now", now));
        using var reader = command.ExecuteReader();
        var messages = new List<QueueMessage>();
        while (reader.Read())
        {
            messages.Add(new QueueMessage(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), null));
        }

        return messages;
    }

    private static int Execute(SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = SqliteStorageProvider.Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }
}
