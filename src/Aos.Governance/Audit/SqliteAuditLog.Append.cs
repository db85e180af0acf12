using Microsoft.Data.Sqlite;

namespace Aos.Governance.Audit;

public sealed partial class SqliteAuditLog
{
    // Owned by the writer loop (and the constructor, before the loop starts).
    private readonly AuditHasher _hasher = new();
    private readonly byte[] _lastHash = new byte[32];
    private long _nextSeq = 1;
    private SqliteCommand? _insertEntry;
    private SqliteCommand? _insertCheckpoint;

    /// <inheritdoc/>
    public async Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var entries = await EnqueueAsync([record], cancellationToken);
        return entries[0];
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
        var pending = new PendingAppend([], []) { Checkpoint = new(TaskCreationOptions.RunContinuationsAsynchronously) };
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
        // Validation and canonical JSON run on the caller's thread, so the single writer only hashes and inserts.
        var contexts = new string[records.Length];
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
        }

        var pending = new PendingAppend(records, contexts) { Entries = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        Enqueue(pending);
        return pending.Entries.Task.WaitAsync(cancellationToken);
    }

    private static void Require(string value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"An audit record needs a {name}.", name);
        }
    }

    private void Enqueue(PendingAppend pending)
    {
        if (!_pending.Writer.TryWrite(pending))
        {
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
                    item.Checkpoint?.TrySetException(exception);
                }

                LoadTail();
            }

            batch.Clear();
        }
    }

    private void WriteBatch(List<PendingAppend> batch)
    {
        var now = _timeProvider.GetUtcNow();
        var ticks = now.UtcTicks;
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
            insert.Transaction = transaction;
            insertCheckpoint.Transaction = transaction;
            var p = insert.Parameters;
            long lastCheckpoint = 0;

            // Each entry's hash array is the next entry's previous-hash parameter: one array per entry.
            var previousBlob = previous.ToArray();
            for (var b = 0; b < batch.Count; b++)
            {
                var item = batch[b];
                var entries = new AuditEntry[item.Records.Length];
                for (var i = 0; i < entries.Length; i++, seq++)
                {
                    var r = item.Records[i];
                    var context = item.Contexts[i];
                    _hasher.Compute(seq, ticks, r.Tenant, r.Actor, r.Action, r.Resource, r.Outcome, r.Level, context, previous, hash);
                    p[0].Value = seq;
                    p[1].Value = ticks;
                    p[2].Value = r.Tenant;
                    p[3].Value = r.Actor;
                    p[4].Value = r.Action;
                    p[5].Value = r.Resource;
                    p[6].Value = r.Outcome;
                    p[7].Value = (int)r.Level;
                    p[8].Value = context;
                    var hashBlob = hash.ToArray();
                    p[9].Value = previousBlob;
                    p[10].Value = hashBlob;
                    previousBlob = hashBlob;
                    insert.ExecuteNonQuery();
                    var hashHex = Convert.ToHexStringLower(hash);
                    entries[i] = new AuditEntry(seq, now, r.Tenant, r.Actor, r.Action, r.Resource, r.Outcome, r.Level, context, Convert.ToHexStringLower(previous), hashHex);
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
                    checkpoints[b] = _keys.Sign(seq - 1, Convert.ToHexStringLower(previous), now, every);
                    InsertCheckpoint(insertCheckpoint, checkpoints[b]!);
                    lastCheckpoint = seq - 1;
                }
            }

            transaction.Commit();
        }

        _nextSeq = seq;
        previous.CopyTo(_lastHash);
        for (var b = 0; b < batch.Count; b++)
        {
            batch[b].Entries?.TrySetResult(results[b]);
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

    private SqliteCommand PrepareInsertEntry()
    {
        var command = _connection.CreateCommand();
        command.CommandText = $"INSERT INTO audit_entries ({EntryColumns}) VALUES ($seq, $time, $tenant, $actor, $action, $resource, $outcome, $level, $context, $prev, $hash)";
        foreach (var name in (string[])["$seq", "$time", "$tenant", "$actor", "$action", "$resource", "$outcome", "$level", "$context", "$prev", "$hash"])
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

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
        command.CommandText = "SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1";
        using (var reader = command.ExecuteReader())
        {
            if (reader.Read())
            {
                _nextSeq = reader.GetInt64(0) + 1;
                reader.GetBytes(1, 0, _lastHash, 0, 32);
                return;
            }
        }

        var anchor = ReadLastCheckpoint(_connection);
        _nextSeq = anchor is null ? 1 : anchor.Id + 1;
        (anchor is null ? AuditHasher.Genesis : Convert.FromHexString(anchor.Hash)).CopyTo(_lastHash, 0);
    }

    private sealed class PendingAppend(AuditRecord[] records, string[] contexts)
    {
        public AuditRecord[] Records { get; } = records;

        public string[] Contexts { get; } = contexts;

        public TaskCompletionSource<AuditEntry[]>? Entries { get; init; }

        public TaskCompletionSource<AuditCheckpoint?>? Checkpoint { get; init; }
    }
}
