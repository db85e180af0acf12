using System.Text.Json;
using Aos.Messaging;
using Aos.Storage.Serialization;
using Aos.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Messaging;

/// <summary>
/// The embedded transport of the message bus: every message is a row in the node's SQLite database (the outbox), ordered and
/// handed out in process by a <see cref="DeliveryScheduler"/>.
/// </summary>
/// <remarks>
/// A message is committed (one fsync, shared with every other write of its batch) before <see cref="EnqueueAsync"/> returns.
/// Pending rows are loaded back into the scheduler when the transport starts, so a message in flight when the process died is
/// handed out again. When the agents' state is in the same database, the turn that processes a message marks its row delivered in
/// the turn's own transaction (<see cref="ITurnSettledTransport"/>). The transport serves one node: nodes of a cluster need a shared
/// transport (NATS JetStream, Service Bus).
/// </remarks>
public sealed partial class SqliteMessageTransport : IMessageTransport, ITurnSettledTransport, IMessageLedger, IMessageRetention, IAsyncDisposable
{
    internal const string SchemaComponent = "aos.bus_messages";

    internal static readonly string[] Migrations =
    [
        """
        CREATE TABLE bus_messages (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            message_id TEXT    NOT NULL,
            recipient  TEXT    NOT NULL,
            order_key  TEXT    NOT NULL,
            priority   INTEGER NOT NULL,
            status     INTEGER NOT NULL,
            attempts   INTEGER NOT NULL,
            due_at     INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            last_error TEXT,
            reason     TEXT,
            envelope   TEXT    NOT NULL,
            UNIQUE (message_id, recipient));
        CREATE INDEX ix_bus_pending ON bus_messages (seq) WHERE status = 0;
        CREATE INDEX ix_bus_dead ON bus_messages (seq) WHERE status = 2;
        CREATE INDEX ix_bus_delivered ON bus_messages (updated_at) WHERE status = 1;
        """,
    ];

    private const string InsertSql =
        "INSERT INTO bus_messages (message_id, recipient, order_key, priority, status, attempts, due_at, created_at, updated_at, envelope) " +
        "VALUES ($id, $r, $k, $p, 0, $a, $due, $now, $now, $e) ON CONFLICT (message_id, recipient) DO NOTHING;";

    private const string CompleteSql = "UPDATE bus_messages SET status = 1, attempts = $a, updated_at = $now WHERE seq = $seq AND status = 0;";
    private const string RetrySql = "UPDATE bus_messages SET attempts = $a, due_at = $due, last_error = $err, updated_at = $now WHERE seq = $seq AND status = 0;";
    private const string DeadLetterSql = "UPDATE bus_messages SET status = 2, attempts = $a, reason = $reason, last_error = coalesce($err, last_error), updated_at = $now WHERE seq = $seq AND status = 0;";
    private const string PendingSql = "SELECT seq, recipient, order_key, attempts, due_at, envelope FROM bus_messages WHERE status = 0 ORDER BY seq;";
    private const string Columns = "seq, recipient, status, attempts, last_error, reason, created_at, updated_at, envelope";
    private const string GetSql = "SELECT " + Columns + " FROM bus_messages WHERE message_id = $id ORDER BY seq;";
    private const string DeadSql = "SELECT " + Columns + " FROM bus_messages WHERE status = 2 AND seq > $after ORDER BY seq LIMIT $n;";
    private const string DeleteDeadSql = "DELETE FROM bus_messages WHERE seq = $seq AND status = 2;";
    private const string PruneSql = "DELETE FROM bus_messages WHERE status = 1 AND updated_at < $before;";
    private const string PruneDeadSql = "DELETE FROM bus_messages WHERE status = 2 AND updated_at < $before;";

    private readonly SchemaGate _schema;
    private readonly MessageBusOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly DeliveryScheduler _scheduler;
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private volatile bool _started;
    private long _recoveredUpTo;

    /// <summary>Initializes a new instance of the <see cref="SqliteMessageTransport"/> class.</summary>
    /// <param name="database">The database that holds the messages.</param>
    /// <param name="options">The bus options: inbox capacity.</param>
    /// <param name="timeProvider">The clock.</param>
    public SqliteMessageTransport(SqliteDatabase database, MessageBusOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _schema = new SchemaGate(database, SchemaComponent, Migrations);
        _options = options;
        _timeProvider = timeProvider;
        _scheduler = new DeliveryScheduler(timeProvider, options.MaxDeliveryBatch);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<EnqueueOutcome>> EnqueueAsync(IReadOnlyList<TransportMessage> messages, bool admitOverCapacity = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var outcomes = new EnqueueOutcome[messages.Count];
        var rows = new List<(int Index, TransportMessage Message, byte[] Json, TransportMessage? Victim)>(messages.Count);
        (Envelope? Envelope, byte[] Json) serialized = (null, []);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            ArgumentNullException.ThrowIfNull(message);
            if (!_scheduler.TryReserve(message.Recipient.Value, (int)message.Envelope.Priority, _options.InboxCapacity, admitOverCapacity, out var victim))
            {
                outcomes[i] = EnqueueOutcome.Refused;
                continue;
            }

            // A publish hands every recipient the same envelope: it is serialized once, not once per recipient.
            if (!ReferenceEquals(serialized.Envelope, message.Envelope))
            {
                serialized = (message.Envelope, JsonSerializer.SerializeToUtf8Bytes(message.Envelope, AosStorageJsonContext.Default.Envelope));
            }

            rows.Add((i, message, serialized.Json, victim));
        }

        if (rows.Count == 0)
        {
            return outcomes;
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        long[] sequences;
        try
        {
            sequences = await _schema.Database.WriteReplayableAsync(
                connection =>
                {
                    var result = new long[rows.Count];
                    var insert = SqliteStatement.Get(connection, InsertSql, "$id", "$r", "$k", "$p", "$a", "$due", "$now", "$e");
                    for (var i = 0; i < rows.Count; i++)
                    {
                        var (_, message, json, victim) = rows[i];
                        insert.Bind(0, message.Envelope.Id).Bind(1, message.Recipient.Value).Bind(2, message.OrderKey).Bind(3, (int)message.Envelope.Priority)
                            .Bind(4, message.Attempts).Bind(5, now).Bind(6, now).BindUtf8(7, json);
                        result[i] = insert.Execute() == 1 ? SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle) : 0;

                        // A victim is shed only for a message that was stored: a duplicate takes no one's place.
                        if (result[i] != 0 && victim is not null)
                        {
                            Settle(connection, DeadLetterSql, victim.Sequence, victim.Attempts, now, DeadLetterReasons.Shed, "The recipient's inbox was full and a more urgent message took this one's place.");
                        }
                    }

                    return result;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            foreach (var (_, message, _, victim) in rows)
            {
                _scheduler.Release(message.Recipient.Value);
                if (victim is not null)
                {
                    _scheduler.CancelShed(victim.Sequence);
                }
            }

            throw;
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var (index, message, _, victim) = rows[i];
            if (sequences[i] == 0)
            {
                outcomes[index] = EnqueueOutcome.Duplicate;
                _scheduler.Release(message.Recipient.Value);
                if (victim is not null)
                {
                    _scheduler.CancelShed(victim.Sequence);
                }

                continue;
            }

            outcomes[index] = victim is null ? EnqueueOutcome.Accepted : EnqueueOutcome.AcceptedShedding;
            if (victim is not null)
            {
                _scheduler.CommitShed(victim.Sequence);
            }

            _scheduler.Add(message with { Sequence = sequences[i] }, now, reserved: true);
        }

        return outcomes;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TransportMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        return await _scheduler.ReceiveAsync(maxMessages, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Completions are group-committed: the ones that arrive while a completion write is queued go together in the next one.
    /// The recipient's next message is released at once: the message was processed (and de-duplicated) already, so if the
    /// process dies before its completion is written, it is only delivered again and recognised as a duplicate.
    /// </remarks>
    public ValueTask CompleteAsync(TransportMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var flushed = QueueCompletion(message.Sequence, message.Attempts + 1);
        _scheduler.Remove(message.Sequence);
        return new ValueTask(flushed.WaitAsync(cancellationToken));
    }

    /// <inheritdoc />
    public bool SettlesWith(IAgentTurnStore store) => store is SqliteGrainStorage grains && ReferenceEquals(grains.Database, _schema.Database);

    /// <inheritdoc />
    /// <remarks>
    /// Sequences only grow, so a message with a sequence above every one pending at start was enqueued by this process, and its row is
    /// pending only until the turn that processes it marks it delivered. One pending at start may have been processed by an earlier
    /// version that settled after the turn.
    /// </remarks>
    public DeliveryReceipt ReceiptFor(TransportMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new DeliveryReceipt(message.Sequence, message.Attempts + 1, message.Sequence <= Volatile.Read(ref _recoveredUpTo));
    }

    /// <inheritdoc />
    public void Settled(TransportMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _scheduler.Remove(message.Sequence);
    }

    /// <summary>Marks a message delivered inside a turn's transaction, on the writer thread.</summary>
    internal static void MarkDelivered(SqliteConnection connection, DeliveryReceipt receipt, long now) =>
        Settle(connection, CompleteSql, receipt.Sequence, receipt.Attempts, now, null, null);

    /// <inheritdoc />
    public async ValueTask RetryAsync(TransportMessage message, TimeSpan delay, string lastError, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var due = now + (long)Math.Max(0, delay.TotalMilliseconds);
        var attempts = message.Attempts + 1;
        try
        {
            await _schema.Database.WriteAsync(
                connection =>
                {
                    var command = SqliteCommandCache.Get(connection, RetrySql, "$a", "$due", "$err", "$now", "$seq");
                    command.Parameters[0].Value = attempts;
                    command.Parameters[1].Value = due;
                    command.Parameters[2].Value = (object?)lastError ?? DBNull.Value;
                    command.Parameters[3].Value = now;
                    command.Parameters[4].Value = message.Sequence;
                    return command.ExecuteNonQuery();
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Even when the write fails the message goes back to be handed out again, so its agent's inbox does not stall.
            _scheduler.Retry(message.Sequence, attempts, due);
        }
    }

    /// <inheritdoc />
    public async ValueTask DeadLetterAsync(TransportMessage message, string reason, string? lastError, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            await _schema.Database.WriteAsync(c => Settle(c, DeadLetterSql, message.Sequence, message.Attempts, now, reason, lastError), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // If the write failed the row stays pending and the message is handed out again after a restart (at least once).
            _scheduler.Remove(message.Sequence);
        }
    }

    /// <inheritdoc />
    public int GetInboxDepth(AgentId recipient) => _scheduler.Depth(recipient.Value);

    /// <inheritdoc />
    public int PendingCount => _scheduler.Count;

    /// <inheritdoc />
    public long RecoveredCount => _scheduler.Recovered;

    /// <inheritdoc />
    public ValueTask<int> PruneDeliveredAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        PruneAsync(PruneSql, before, cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> PruneDeadLettersAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        PruneAsync(PruneDeadSql, before, cancellationToken);

    private async ValueTask<int> PruneAsync(string sql, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _schema.Database.WriteAsync(
            connection =>
            {
                var command = SqliteCommandCache.Get(connection, sql, "$before");
                command.Parameters[0].Value = before.ToUnixTimeMilliseconds();
                return command.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the transport's timer. The database is owned by its registry and stays open.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        _scheduler.Dispose();
        _startLock.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            return;
        }

        await _startLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_started)
            {
                return;
            }

            await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
            var pending = await _schema.Database.ReadAsync(0, static (connection, _) =>
            {
                var list = new List<(TransportMessage Message, long Due)>();
                using var command = connection.CreateCommand();
                command.CommandText = PendingSql;
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var envelope = JsonSerializer.Deserialize(reader.GetString(5), AosStorageJsonContext.Default.Envelope)!;
                    var message = new TransportMessage(envelope, AgentId.Parse(reader.GetString(1)), reader.GetString(2), reader.GetInt32(3), reader.GetInt64(0));
                    list.Add((message, reader.GetInt64(4)));
                }

                return list;
            }, cancellationToken).ConfigureAwait(false);
            foreach (var (message, due) in pending)
            {
                _scheduler.Recover(message, due);
                _recoveredUpTo = Math.Max(_recoveredUpTo, message.Sequence);
            }

            _started = true;
        }
        finally
        {
            _startLock.Release();
        }
    }

    /// <summary>Runs the prepared insert of one message; returns its new sequence, or 0 when the message was a duplicate.</summary>
    private static long Inserted(SqliteConnection connection, SqliteCommand insert) =>
        insert.ExecuteNonQuery() == 1 ? SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle) : 0;

    private static int Settle(SqliteConnection connection, string sql, long sequence, int attempts, long now, string? reason, string? error)
    {
        return SqliteStatement.Get(connection, sql, "$a", "$now", "$seq", "$reason", "$err")
            .Bind(0, attempts).Bind(1, now).Bind(2, sequence).Bind(3, reason).Bind(4, error).Execute();
    }
}
