using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aos.Governance.Audit;

public sealed partial class SqliteAuditLog
{
    // Verification reads the rows on several connections at once; archiving must not remove rows under it.
    private readonly SemaphoreSlim _rowsGate = new(1, 1);

    /// <inheritdoc/>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await _rowsGate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: true);
            return await VerifyAsync(connection, cancellationToken);
        }
        finally
        {
            _rowsGate.Release();
        }
    }

    /// <summary>Verifies every entry the connection's snapshot holds; the caller holds <see cref="_rowsGate"/>.</summary>
    /// <remarks>
    /// The entries are cut into ranges of <see cref="AuditRowChunk.Capacity"/> sequence numbers, handed round-robin to one reader per core.
    /// Each reader copies its ranges' rows on its own connection and hashes them (an entry's hash depends on its own row only, its stored
    /// previous hash included); the checks that link entries (sequence, previous hash, checkpoints) then run here, range after range in
    /// order, so the first bad entry and its reason are the same as when everything runs one entry at a time. Entries are never changed
    /// once written and archiving waits for the gate, so every reader sees the same rows.
    /// </remarks>
    private async Task<AuditVerification> VerifyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var verifier = new AuditChainVerifier(_keys.Snapshot(), ReadCheckpoints(connection, long.MaxValue), _options.CheckpointEvery);
        long first, last, count;
        using (var bounds = connection.CreateCommand())
        {
            bounds.CommandText = "SELECT MIN(seq), MAX(seq), COUNT(*) FROM audit_entries";
            using var reader = bounds.ExecuteReader();
            reader.Read();
            if (reader.IsDBNull(0))
            {
                return verifier.Complete();
            }

            (first, last, count) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }

        // A log with a gap (or a forged sequence number) is read by one reader, row after row: it fails, and the first bad entry is
        // found without visiting every empty range up to a forged number.
        var contiguous = count == last - first + 1;
        var ranges = contiguous ? ((last - first) / AuditRowChunk.Capacity) + 1 : 1;
        var readers = (int)Math.Min(Environment.ProcessorCount, ranges);
        var chunks = new Channel<AuditRowChunk>[readers];
        var spares = new Channel<AuditRowChunk>[readers];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = new Task[readers];
        for (var r = 0; r < readers; r++)
        {
            chunks[r] = Channel.CreateBounded<AuditRowChunk>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
            spares[r] = Channel.CreateUnbounded<AuditRowChunk>();
            var (own, ownSpares, index) = (chunks[r].Writer, spares[r].Reader, (long)r);
            tasks[r] = Task.Run(
                () => contiguous
                    ? ReadRangesAsync(first, last, index, readers, own, ownSpares, stop.Token)
                    : ReadInOrderAsync(last, own, ownSpares, stop.Token),
                stop.Token);
        }

        try
        {
            // Range k comes from reader k % readers; once that reader has no more, there is no range k.
            for (var range = 0L; ; range++)
            {
                var from = (int)(range % readers);
                if (!await chunks[from].Reader.WaitToReadAsync(stop.Token) || !chunks[from].Reader.TryRead(out var chunk))
                {
                    break;
                }

                if (!chunk.Check(verifier))
                {
                    break;
                }

                spares[from].Writer.TryWrite(chunk);
            }
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var task in tasks)
            {
                try
                {
                    await task;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return verifier.Complete();
    }

    /// <summary>Reads and hashes every <paramref name="step"/>-th range of sequence numbers, starting at range <paramref name="index"/>.</summary>
    private async Task ReadRangesAsync(
        long first, long last, long index, int step, ChannelWriter<AuditRowChunk> chunks, ChannelReader<AuditRowChunk> spares, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: true);
            using var hasher = new AuditHasher();

            // The native statement hands out each column as a span over SQLite's own memory: no string or array per row.
            var prepared = raw.sqlite3_prepare_v2(connection.Handle, $"SELECT {EntryColumns} FROM audit_entries WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq", out var statement);
            SqliteException.ThrowExceptionForRC(prepared, connection.Handle);
            using (statement)
            {
                for (var range = index; first + (range * AuditRowChunk.Capacity) <= last; range += step)
                {
                    var chunk = spares.TryRead(out var spare) ? spare : new AuditRowChunk();
                    chunk.Clear();
                    var start = first + (range * AuditRowChunk.Capacity);
                    raw.sqlite3_bind_int64(statement, 1, start);
                    raw.sqlite3_bind_int64(statement, 2, Math.Min(last, start + AuditRowChunk.Capacity - 1));
                    Fill(statement, chunk, connection);
                    raw.sqlite3_reset(statement);
                    chunk.ComputeHashes(hasher);
                    await chunks.WriteAsync(chunk, cancellationToken);
                }
            }

            chunks.TryComplete();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            chunks.TryComplete(exception);
            throw;
        }
    }

    /// <summary>Reads and hashes every row in order, a chunk at a time, on one connection.</summary>
    private async Task ReadInOrderAsync(long last, ChannelWriter<AuditRowChunk> chunks, ChannelReader<AuditRowChunk> spares, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: true);
            using var hasher = new AuditHasher();
            var prepared = raw.sqlite3_prepare_v2(connection.Handle, $"SELECT {EntryColumns} FROM audit_entries WHERE seq > ?1 AND seq <= ?3 ORDER BY seq LIMIT ?2", out var statement);
            SqliteException.ThrowExceptionForRC(prepared, connection.Handle);
            using (statement)
            {
                var after = long.MinValue;
                while (true)
                {
                    var chunk = spares.TryRead(out var spare) ? spare : new AuditRowChunk();
                    chunk.Clear();
                    raw.sqlite3_bind_int64(statement, 1, after);
                    raw.sqlite3_bind_int(statement, 2, AuditRowChunk.Capacity);
                    raw.sqlite3_bind_int64(statement, 3, last);
                    Fill(statement, chunk, connection);
                    raw.sqlite3_reset(statement);
                    if (chunk.Count == 0)
                    {
                        break;
                    }

                    after = chunk.LastSeq;
                    chunk.ComputeHashes(hasher);
                    await chunks.WriteAsync(chunk, cancellationToken);
                }
            }

            chunks.TryComplete();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            chunks.TryComplete(exception);
            throw;
        }
    }

    /// <summary>Steps through the bound range of rows into the chunk.</summary>
    private static void Fill(sqlite3_stmt statement, AuditRowChunk chunk, SqliteConnection connection)
    {
        while (true)
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
            {
                return;
            }

            if (rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            }

            chunk.Add(statement);
        }
    }
}
