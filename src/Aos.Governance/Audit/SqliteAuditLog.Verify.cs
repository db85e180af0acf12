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
    /// The entries are cut into ranges of <see cref="AuditRowChunk.Capacity"/> sequence numbers, taken in order by one reader per core as
    /// each becomes free (at most a few ranges ahead of the checks). Each reader hashes its ranges' rows on its own connection, straight
    /// from SQLite's memory (an entry's hash depends on its own row only, its stored previous hash included); the checks that link entries
    /// (sequence, previous hash, checkpoints) then run here, range after range in order, so the first bad entry and its reason are the
    /// same as when everything runs one entry at a time. Entries are never changed once written and archiving waits for the gate, so
    /// every reader sees the same rows.
    /// </remarks>
    private async Task<AuditVerification> VerifyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var verifier = new AuditChainVerifier(_keys.Snapshot(), ReadCheckpoints(connection, long.MaxValue), _options.CheckpointEvery);
        long first, last;
        using (var bounds = connection.CreateCommand())
        {
            bounds.CommandText = "SELECT MIN(seq), MAX(seq) FROM audit_entries";
            using var reader = bounds.ExecuteReader();
            reader.Read();
            if (reader.IsDBNull(0))
            {
                return verifier.Complete();
            }

            (first, last) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        var ranges = ((last - first) / AuditRowChunk.Capacity) + 1;
        var work = new AuditRangeWork(first, last, ranges, window: 4 * Environment.ProcessorCount);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = new Task[(int)Math.Min(Environment.ProcessorCount, ranges)];
        for (var r = 0; r < tasks.Length; r++)
        {
            tasks[r] = Task.Run(() => ReadRangesAsync(work, stop.Token), stop.Token);
        }

        try
        {
            for (var range = 0L; range < ranges; range++)
            {
                var chunk = await work.TakeAsync(range);

                // A range with no row at all lies in a gap: the entry after the gap is the first bad one. (Ranges are cut by sequence
                // number, so a number forged far ahead leaves empty ranges; verification stops at the first, it does not walk them.)
                if (chunk.Count == 0)
                {
                    verifier.Check(NextSeq(connection, work.Start(range)), [], [], []);
                    break;
                }

                if (!chunk.Check(verifier))
                {
                    break;
                }

                work.Recycle(chunk);
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

            work.Dispose();
        }

        cancellationToken.ThrowIfCancellationRequested();
        return verifier.Complete();
    }

    /// <summary>Takes the next range to read until none is left, and reads and hashes it.</summary>
    private async Task ReadRangesAsync(AuditRangeWork work, CancellationToken cancellationToken)
    {
        try
        {
            // A native read-only connection of its own: no per-call mutex (only this reader uses it), pages mapped instead of copied.
            var opened = raw.sqlite3_open_v2(_options.DatabasePath, out var db, raw.SQLITE_OPEN_READONLY | raw.SQLITE_OPEN_NOMUTEX, null);
            using (db)
            {
                SqliteException.ThrowExceptionForRC(opened, db);
                raw.sqlite3_busy_timeout(db, 30_000);
                Execute(db, "PRAGMA mmap_size = 1073741824; BEGIN");
                using var hasher = new AuditHasher();

                // The native statement hands out each column as a span over SQLite's own memory: no string or array per row.
                var prepared = raw.sqlite3_prepare_v2(db, $"SELECT {EntryColumns} FROM audit_entries WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq", out var statement);
                SqliteException.ThrowExceptionForRC(prepared, db);
                using (statement)
                {
                    while (await work.NextAsync(cancellationToken) is { } range)
                    {
                        var chunk = work.Rent();
                        var start = work.Start(range);
                        raw.sqlite3_bind_int64(statement, 1, start);
                        raw.sqlite3_bind_int64(statement, 2, Math.Min(work.Last, start + AuditRowChunk.Capacity - 1));
                        Fill(statement, chunk, hasher, db);
                        raw.sqlite3_reset(statement);
                        work.Complete(range, chunk);
                    }
                }

                Execute(db, "COMMIT");
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            work.Fail(exception);
            throw;
        }
    }

    private static void Execute(sqlite3 db, string sql)
    {
        var rc = raw.sqlite3_exec(db, sql);
        SqliteException.ThrowExceptionForRC(rc, db);
    }

    private static long NextSeq(SqliteConnection connection, long from)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(seq) FROM audit_entries WHERE seq >= $from";
        command.Parameters.AddWithValue("$from", from);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Steps through the bound range of rows into the chunk, hashing each.</summary>
    private static void Fill(sqlite3_stmt statement, AuditRowChunk chunk, AuditHasher hasher, sqlite3 db)
    {
        using var row = new SqliteColumns.Lease(statement);
        while (true)
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
            {
                return;
            }

            if (rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            chunk.Add(row, hasher);
        }
    }
}
