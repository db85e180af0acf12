using System.Text.Json;
using Aos.Messaging;
using Aos.Storage.Serialization;
using Aos.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Messaging;

public sealed partial class SqliteMessageTransport
{
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<MessageRecord>> GetAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _schema.Database.ReadAsync(messageId, static (connection, id) =>
        {
            var command = SqliteCommandCache.Get(connection, GetSql, "$id");
            command.Parameters[0].Value = id;
            return ReadRecords(command);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<DeadLetterPage> ListDeadLettersAsync(string? after, int limit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 1000)
        {
            throw new AosValidationException($"The page size is {limit}; use 1 to 1000.") { Field = "limit" };
        }

        var from = DeadLetterPage.ParseSequence(after);
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var items = await _schema.Database.ReadAsync((After: from, Take: limit + 1), static (connection, query) =>
        {
            var command = SqliteCommandCache.Get(connection, DeadSql, "$after", "$n");
            command.Parameters[0].Value = query.After;
            command.Parameters[1].Value = query.Take;
            return ReadRecords(command);
        }, cancellationToken).ConfigureAwait(false);
        return DeadLetterPage.FromOverRead(items, limit);
    }

    /// <inheritdoc />
    public async ValueTask<int> DiscardAsync(string messageId, string? tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        return await _schema.Database.WriteAsync(
            connection =>
            {
                var read = SqliteCommandCache.Get(connection, GetSql, "$id");
                read.Parameters[0].Value = messageId;
                var dead = ReadRecords(read).Where(r => r.Status == MessageStatus.DeadLettered && (tenant is null || r.Envelope.Tenant == tenant)).ToList();
                var delete = SqliteCommandCache.Get(connection, DeleteDeadSql, "$seq");
                var discarded = 0;
                foreach (var record in dead)
                {
                    delete.Parameters[0].Value = record.Sequence;
                    discarded += delete.ExecuteNonQuery();
                }

                return discarded;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> ReplayAsync(string messageId, DateTimeOffset? expiresAt, string? tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var replayed = await _schema.Database.WriteAsync(
            connection =>
            {
                var read = SqliteCommandCache.Get(connection, GetSql, "$id");
                read.Parameters[0].Value = messageId;
                var dead = ReadRecords(read).Where(r => r.Status == MessageStatus.DeadLettered && (tenant is null || r.Envelope.Tenant == tenant)).ToList();
                // A replayed message takes a new sequence, at the tail of its lane: its place is the same in memory and after a restart.
                var delete = SqliteCommandCache.Get(connection, DeleteDeadSql, "$seq");
                var insert = SqliteCommandCache.Get(connection, InsertSql, "$id", "$r", "$k", "$p", "$a", "$due", "$now", "$e");
                var result = new List<TransportMessage>(dead.Count);
                foreach (var record in dead)
                {
                    var envelope = record.Envelope with { ExpiresAt = expiresAt, Attempt = 0 };
                    delete.Parameters[0].Value = record.Sequence;
                    if (delete.ExecuteNonQuery() != 1)
                    {
                        continue;
                    }

                    var message = TransportMessage.For(envelope, record.Recipient);
                    insert.Parameters[0].Value = envelope.Id;
                    insert.Parameters[1].Value = record.Recipient.Value;
                    insert.Parameters[2].Value = message.OrderKey;
                    insert.Parameters[3].Value = (int)envelope.Priority;
                    insert.Parameters[4].Value = 0;
                    insert.Parameters[5].Value = now;
                    insert.Parameters[6].Value = now;
                    insert.Parameters[7].Value = JsonSerializer.Serialize(envelope, AosStorageJsonContext.Default.Envelope);
                    result.Add(message with { Sequence = Inserted(connection, insert) });
                }

                return result;
            },
            cancellationToken).ConfigureAwait(false);

        foreach (var message in replayed)
        {
            _scheduler.Add(message, now, reserved: false);
        }

        return replayed.Count;
    }

    private static List<MessageRecord> ReadRecords(SqliteCommand command)
    {
        var records = new List<MessageRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            records.Add(new MessageRecord(
                JsonSerializer.Deserialize(reader.GetString(8), AosStorageJsonContext.Default.Envelope)!,
                AgentId.Parse(reader.GetString(1)),
                (MessageStatus)reader.GetInt32(2),
                reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                reader.GetInt64(0)));
        }

        return records;
    }
}
