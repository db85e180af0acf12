using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aos.Governance.Audit;

public sealed partial class SqliteAuditLog
{
    // Owned by the writer loop (and the constructor, before the loop starts).
    private readonly AuditHasher _hasher = new();
    private readonly byte[] _lastHash = new byte[32];
    private long _nextSeq = 1;
    private long _lastTicks;
    private long _queued;
    private sqlite3_stmt? _insertEntry;
    private SqliteCommand? _insertCheckpoint;

    /// <inheritdoc/>
    public Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);

        // One record (the system-call pipeline's case) completes its own task with the entry: no array, no extra state machine.
        var pending = Prepare([record]);
        pending.Entry = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(pending);
        return pending.Entry.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditEntry>> AppendManyAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.Count == 0 ? [] : await EnqueueAsync([.. records], cancellationToken);
    }

    /// <summary>Signs a checkpoint for the newest entry now, after the appends already queued.</summary>
    /// <param name="cancellationToken">Stops waiting; the checkpoint may still be written.</param>
    /// <returns>The checkpoint, or <see langword="null"/> when the log is empty.</returns>
    public Task<AuditCheckpoint?> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        var pending = new PendingAppend([], [], new EncodedText([], [])) { Checkpoint = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        Enqueue(pending);
        return pending.Checkpoint.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Writes a new checkpoint signing key and signs new checkpoints with it; old keys stay so old checkpoints still verify.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The new key's id.</returns>
    public Task<string> RotateCheckpointKeyAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_keys.Rotate());
    }

    private Task<AuditEntry[]> EnqueueAsync(AuditRecord[] records, CancellationToken cancellationToken)
    {
        var pending = Prepare(records);
        pending.Entries = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(pending);
        return pending.Entries.Task.WaitAsync(cancellationToken);
    }

    private static PendingAppend Prepare(AuditRecord[] records)
    {
        // Validation and canonical JSON run on the caller's thread, so the single writer only hashes and inserts.
        var contexts = new string[records.Length];
        var size = 0;
        for (var i = 0; i < records.Length; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"Record {i} is null.", nameof(records));
            Require(record.Tenant, nameof(AuditRecord.Tenant));
            Require(record.Actor, nameof(AuditRecord.Actor));
            Require(record.Action, nameof(AuditRecord.Action));
            Require(record.Resource, nameof(AuditRecord.Resource));
            Require(record.Outcome, nameof(AuditRecord.Outcome));
            AuditHasher.FormatLevel(record.Level);
            contexts[i] = AuditHasher.CanonicalContext(record.Context);
            size += record.Tenant.Length + record.Actor.Length + record.Action.Length + record.Resource.Length + record.Outcome.Length + contexts[i].Length;
        }

        return new PendingAppend(records, contexts, Encode(records, contexts, size));
    }

    /// <summary>Encodes every record's text fields to UTF-8 once: the writer binds and hashes these bytes, so both see the same text.</summary>
    private static EncodedText Encode(AuditRecord[] records, string[] contexts, int chars)
    {
        // Rented: the writer returns it once the batch is written (or failed).
        var text = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(chars));
        var ends = new int[records.Length * 6];
        var length = 0;
        for (var i = 0; i < records.Length; i++)
        {
            var r = records[i];
            length += Encoding.UTF8.GetBytes(r.Tenant, text.AsSpan(length));
            ends[i * 6] = length;
            length += Encoding.UTF8.GetBytes(r.Actor, text.AsSpan(length));
            ends[(i * 6) + 1] = length;
            length += Encoding.UTF8.GetBytes(r.Action, text.AsSpan(length));
            ends[(i * 6) + 2] = length;
            length += Encoding.UTF8.GetBytes(r.Resource, text.AsSpan(length));
            ends[(i * 6) + 3] = length;
            length += Encoding.UTF8.GetBytes(r.Outcome, text.AsSpan(length));
            ends[(i * 6) + 4] = length;
            length += Encoding.UTF8.GetBytes(contexts[i], text.AsSpan(length));
            ends[(i * 6) + 5] = length;
        }

        return new EncodedText(text, ends);
    }

    private static void Require(string value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"An audit record needs a {name}.", name);
        }
    }

    /// <inheritdoc/>
    public bool IsBacklogged => Volatile.Read(ref _queued) >= _options.MaxQueuedAppends;

    private void Enqueue(PendingAppend pending)
    {
        Interlocked.Add(ref _queued, pending.Records.Length);
        if (!_pending.Writer.TryWrite(pending))
        {
            Interlocked.Add(ref _queued, -pending.Records.Length);
            throw new ObjectDisposedException(nameof(SqliteAuditLog), "The audit log is stopped: it accepts no more appends.");
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _pending.Reader;
        var batch = new List<PendingAppend>();
        while (await reader.WaitToReadAsync())
        {
            var count = 0;
            while (count < _options.BatchSize && reader.TryRead(out var item))
            {
                batch.Add(item);
                count += item.Records.Length;
            }

            try
            {
                WriteBatch(batch);
            }
#pragma warning disable CA1031 // A failed batch fails its callers; the loop must keep serving the next ones.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                foreach (var item in batch)
                {
                    item.Entries?.TrySetException(exception);
                    item.Entry?.TrySetException(exception);
                    item.Checkpoint?.TrySetException(exception);
                }

                LoadTail();
            }

            foreach (var item in batch)
            {
                item.Text.Return();
                Interlocked.Add(ref _queued, -item.Records.Length);
            }

            batch.Clear();
        }
    }

    private void WriteBatch(List<PendingAppend> batch)
    {
        // Entry times never decrease along the chain (queries rely on it): a clock that steps back stamps the latest time seen.
        var ticks = Math.Max(_timeProvider.GetUtcNow().UtcTicks, _lastTicks);
        var now = new DateTimeOffset(ticks, TimeSpan.Zero);
        var seq = _nextSeq;
        Span<byte> previous = stackalloc byte[32];
        Span<byte> hash = stackalloc byte[32];
        _lastHash.CopyTo(previous);
        var results = new AuditEntry[batch.Count][];
        var checkpoints = new AuditCheckpoint?[batch.Count];
        var every = _options.CheckpointEvery;
        using (var transaction = _connection.BeginTransaction())
        {
            var insert = _insertEntry ??= PrepareInsertEntry();
            var insertCheckpoint = _insertCheckpoint ??= PrepareInsertCheckpoint();
            insertCheckpoint.Transaction = transaction;
            long lastCheckpoint = 0;
            var previousHex = Convert.ToHexStringLower(previous);
            for (var b = 0; b < batch.Count; b++)
            {
                var item = batch[b];
                var entries = new AuditEntry[item.Records.Length];
                var text = item.Text.Bytes.AsSpan();
                var ends = item.Text.Ends;
                for (var i = 0; i < entries.Length; i++, seq++)
                {
                    var r = item.Records[i];
                    var context = item.Contexts[i];
                    var start = i == 0 ? 0 : ends[(i * 6) - 1];
                    var tenant = text[start..ends[i * 6]];
                    var actor = text[ends[i * 6]..ends[(i * 6) + 1]];
                    var action = text[ends[(i * 6) + 1]..ends[(i * 6) + 2]];
                    var resource = text[ends[(i * 6) + 2]..ends[(i * 6) + 3]];
                    var outcome = text[ends[(i * 6) + 3]..ends[(i * 6) + 4]];
                    var contextUtf8 = text[ends[(i * 6) + 4]..ends[(i * 6) + 5]];
                    if (!_hasher.TryCompute(seq, ticks, tenant, actor, action, resource, outcome, (int)r.Level, contextUtf8, previous, hash))
                    {
                        throw new InvalidOperationException($"Audit entry {seq} cannot be hashed: its time or text is out of range.");
                    }

                    raw.sqlite3_bind_int64(insert, 1, seq);
                    raw.sqlite3_bind_int64(insert, 2, ticks);
                    raw.sqlite3_bind_text(insert, 3, tenant);
                    raw.sqlite3_bind_text(insert, 4, actor);
                    raw.sqlite3_bind_text(insert, 5, action);
                    raw.sqlite3_bind_text(insert, 6, resource);
                    raw.sqlite3_bind_text(insert, 7, outcome);
                    raw.sqlite3_bind_int(insert, 8, (int)r.Level);
                    raw.sqlite3_bind_text(insert, 9, contextUtf8);
                    raw.sqlite3_bind_blob(insert, 10, previous);
                    raw.sqlite3_bind_blob(insert, 11, hash);
                    Step(insert);
                    _index.Add(seq, ticks, r.Tenant, r.Actor, r.Action, r.Resource, (int)r.Level);
                    if (seq % AuditBlockIndex.BlockSize == 0)
                    {
                        CloseBlock(seq);
                    }

                    var hashHex = Convert.ToHexStringLower(hash);
                    entries[i] = new AuditEntry(seq, now, r.Tenant, r.Actor, r.Action, r.Resource, r.Outcome, r.Level, context, previousHex, hashHex);
                    previousHex = hashHex;
                    hash.CopyTo(previous);
                    if (seq % every == 0)
                    {
                        InsertCheckpoint(insertCheckpoint, _keys.Sign(seq, hashHex, now, every));
                        lastCheckpoint = seq;
                    }
                }

                results[b] = entries;
                if (item.Checkpoint is not null && seq > 1 && lastCheckpoint != seq - 1)
                {
                    checkpoints[b] = _keys.Sign(seq - 1, previousHex, now, every);
                    InsertCheckpoint(insertCheckpoint, checkpoints[b]!);
                    lastCheckpoint = seq - 1;
                }
            }

            transaction.Commit();
        }

        _nextSeq = seq;
        _lastTicks = ticks;
        previous.CopyTo(_lastHash);
        for (var b = 0; b < batch.Count; b++)
        {
            batch[b].Entries?.TrySetResult(results[b]);
            batch[b].Entry?.TrySetResult(results[b][0]);
            batch[b].Checkpoint?.TrySetResult(checkpoints[b] ?? (seq > 1 ? ReadCheckpoint(_connection, seq - 1) : null));
        }
    }

    private static void InsertCheckpoint(SqliteCommand command, AuditCheckpoint checkpoint)
    {
        var p = command.Parameters;
        p[0].Value = checkpoint.Id;
        p[1].Value = checkpoint.Hash;
        p[2].Value = checkpoint.Time.UtcTicks;
        p[3].Value = checkpoint.Every;
        p[4].Value = checkpoint.KeyId;
        p[5].Value = checkpoint.Signature;
        command.ExecuteNonQuery();
    }

    /// <summary>Prepares the entry insert as a native statement: its parameters are bound straight from the UTF-8 bytes and the hash spans.</summary>
    private sqlite3_stmt PrepareInsertEntry() =>
        Prepare($"INSERT INTO audit_entries ({EntryColumns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");

    private SqliteCommand PrepareInsertCheckpoint()
    {
        var command = _connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO audit_checkpoints (seq, hash, time, every, key_id, signature) VALUES ($seq, $hash, $time, $every, $key, $signature)";
        foreach (var name in (string[])["$seq", "$hash", "$time", "$every", "$key", "$signature"])
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    /// <summary>Reads where the chain ends: the newest entry, or the anchor left by archiving, or the genesis.</summary>
    private void LoadTail()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT seq, hash, time FROM audit_entries ORDER BY seq DESC LIMIT 1";
        using (var reader = command.ExecuteReader())
        {
            if (reader.Read())
            {
                _nextSeq = reader.GetInt64(0) + 1;
                reader.GetBytes(1, 0, _lastHash, 0, 32);
                _lastTicks = reader.GetInt64(2);
                ReloadOpenBlock();
                return;
            }
        }

        var anchor = ReadLastCheckpoint(_connection);
        _nextSeq = anchor is null ? 1 : anchor.Id + 1;
        _lastTicks = anchor?.Time.UtcTicks ?? 0;
        (anchor is null ? AuditHasher.Genesis : Convert.FromHexString(anchor.Hash)).CopyTo(_lastHash, 0);
        _index.Clear();
    }

    private sealed class PendingAppend(AuditRecord[] records, string[] contexts, EncodedText text)
    {
        public AuditRecord[] Records { get; } = records;

        public string[] Contexts { get; } = contexts;

        public EncodedText Text { get; } = text;

        public TaskCompletionSource<AuditEntry[]>? Entries { get; set; }

        public TaskCompletionSource<AuditEntry>? Entry { get; set; }

        public TaskCompletionSource<AuditCheckpoint?>? Checkpoint { get; init; }
    }

    /// <summary>Holds the UTF-8 text fields of a run of records: per record, the ends of tenant, actor, action, resource, outcome, context.</summary>
    /// <remarks>The bytes are rented from the shared pool, except for the empty text of a checkpoint request.</remarks>
    private readonly record struct EncodedText(byte[] Bytes, int[] Ends)
    {
        public void Return()
        {
            if (Bytes.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(Bytes);
            }
        }
    }
}
