using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aos.Governance.Audit;

public sealed partial class SqliteAuditLog
{
    /// <inheritdoc/>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        return await VerifyAsync(connection, long.MaxValue, cancellationToken);
    }

    /// <summary>Reads rows on one thread while others hash the previous chunk in parallel slices and check its links in order.</summary>
    /// <remarks>
    /// An entry's hash depends on its own row only (its stored previous hash included), so hashes are computed out of order; the checks
    /// that link entries (sequence, previous hash, checkpoints) then run in order, so the first bad entry and its reason are the same as
    /// when everything runs one entry at a time.
    /// </remarks>
    private async Task<AuditVerification> VerifyAsync(SqliteConnection connection, long upTo, CancellationToken cancellationToken)
    {
        using var verifier = new AuditChainVerifier(_keys.Snapshot(), ReadCheckpoints(connection, upTo), _options.CheckpointEvery);
        var hashers = new AuditHasher[Environment.ProcessorCount];
        for (var i = 0; i < hashers.Length; i++)
        {
            hashers[i] = new AuditHasher();
        }

        try
        {
            return await VerifyAsync(connection, upTo, verifier, hashers, cancellationToken);
        }
        finally
        {
            foreach (var hasher in hashers)
            {
                hasher.Dispose();
            }
        }
    }

    private static async Task<AuditVerification> VerifyAsync(
        SqliteConnection connection, long upTo, AuditChainVerifier verifier, AuditHasher[] hashers, CancellationToken cancellationToken)
    {
        var full = Channel.CreateBounded<AuditRowChunk>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var empty = Channel.CreateUnbounded<AuditRowChunk>();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var check = Task.Run(
            async () =>
            {
                await foreach (var chunk in full.Reader.ReadAllAsync(stop.Token))
                {
                    chunk.ComputeHashes(hashers);
                    if (!chunk.Check(verifier))
                    {
                        await stop.CancelAsync();
                        return;
                    }

                    empty.Writer.TryWrite(chunk);
                }
            },
            stop.Token);

        try
        {
            await ReadRowsAsync(connection, upTo, full.Writer, empty.Reader, stop.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The checker found a problem and stopped the reader.
        }
        finally
        {
            // Also when reading failed: the checker then finishes what it has and the failure propagates.
            full.Writer.TryComplete();
        }

        try
        {
            await check;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        cancellationToken.ThrowIfCancellationRequested();
        return verifier.Complete();
    }

    private static async Task ReadRowsAsync(
        SqliteConnection connection, long upTo, ChannelWriter<AuditRowChunk> full, ChannelReader<AuditRowChunk> empty, CancellationToken cancellationToken)
    {
        // The native statement hands out each column as a span over SQLite's own memory: no string or array per row.
        var prepared = raw.sqlite3_prepare_v2(connection.Handle, $"SELECT {EntryColumns} FROM audit_entries WHERE seq <= ?1 ORDER BY seq", out var statement);
        SqliteException.ThrowExceptionForRC(prepared, connection.Handle);
        using (statement)
        {
            raw.sqlite3_bind_int64(statement, 1, upTo);
            var done = false;
            while (!done)
            {
                var chunk = empty.TryRead(out var reused) ? reused : new AuditRowChunk();
                chunk.Clear();
                done = Fill(statement, chunk, connection);
                if (chunk.Count > 0)
                {
                    await full.WriteAsync(chunk, cancellationToken);
                }
            }
        }
    }

    /// <summary>Steps until the chunk is full; returns <see langword="true"/> when the rows are exhausted.</summary>
    private static bool Fill(sqlite3_stmt statement, AuditRowChunk chunk, SqliteConnection connection)
    {
        while (!chunk.IsFull)
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
            {
                return true;
            }

            if (rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            }

            chunk.Add(statement);
        }

        return false;
    }
}
