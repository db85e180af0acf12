using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Aos.Governance.Audit;

public sealed partial class SqliteAuditLog
{
    /// <summary>Moves the entries older than a cutoff to an archive (JSON Lines) and removes them from the live log.</summary>
    /// <param name="before">The cutoff: entries written before it are archived.</param>
    /// <param name="destination">Where to write the archive; it verifies offline with <see cref="AuditVerifier.VerifyJsonLinesAsync"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>How many entries were archived.</returns>
    /// <remarks>
    /// The log is verified first and nothing is archived from a log that fails. The last archived entry gets a signed checkpoint that
    /// stays in the live log as its anchor, so the remaining entries still verify from it. The newest entry is never archived.
    /// </remarks>
    /// <exception cref="AosException">The live log does not verify.</exception>
    public async Task<long> ArchiveAsync(DateTimeOffset before, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await _rowsGate.WaitAsync(cancellationToken);
        try
        {
            return await ArchiveUnderGateAsync(before, destination, cancellationToken);
        }
        finally
        {
            _rowsGate.Release();
        }
    }

    private async Task<long> ArchiveUnderGateAsync(DateTimeOffset before, Stream destination, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        AuditVerification verification;
        await using (var snapshot = connection.BeginTransaction(deferred: true))
        {
            verification = await VerifyAsync(connection, cancellationToken);
        }

        if (!verification.Ok)
        {
            throw new AosException($"The audit log does not verify ({verification.Problem} at entry {verification.FirstBad}); nothing was archived.");
        }

        long first, last;
        using (var bounds = connection.CreateCommand())
        {
            bounds.CommandText = """
                SELECT (SELECT MIN(seq) FROM audit_entries),
                       (SELECT MAX(seq) FROM audit_entries WHERE time < $before AND seq < (SELECT MAX(seq) FROM audit_entries))
                """;
            bounds.Parameters.AddWithValue("$before", before.UtcTicks);
            using var reader = bounds.ExecuteReader();
            reader.Read();
            if (reader.IsDBNull(1))
            {
                return 0;
            }

            first = reader.GetInt64(0);
            last = reader.GetInt64(1);
        }

        var anchor = ReadCheckpoint(connection, last);
        if (anchor is null)
        {
            using var hashCommand = connection.CreateCommand();
            hashCommand.CommandText = "SELECT hash FROM audit_entries WHERE seq = $seq";
            hashCommand.Parameters.AddWithValue("$seq", last);
            var hash = Convert.ToHexStringLower((byte[])hashCommand.ExecuteScalar()!);
            anchor = _keys.Sign(last, hash, _timeProvider.GetUtcNow(), _options.CheckpointEvery);
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT OR IGNORE INTO audit_checkpoints (seq, hash, time, every, key_id, signature) VALUES ($seq, $hash, $time, $every, $key, $signature)";
            foreach (var name in (string[])["$seq", "$hash", "$time", "$every", "$key", "$signature"])
            {
                insert.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            InsertCheckpoint(insert, anchor);
        }

        // The archive carries the anchor it starts from (if any) and every checkpoint up to its last entry, so it verifies alone.
        var checkpoints = ReadCheckpoints(connection, last).Where(c => c.Id >= first - 1).ToList();
        await AuditJsonLines.WriteAsync(destination, checkpoints, ReadRangeAsync(connection, last, cancellationToken), cancellationToken);

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = """
                DELETE FROM audit_entries WHERE seq <= $last;
                DELETE FROM audit_checkpoints WHERE seq < $last;
                DELETE FROM audit_postings WHERE block < $archivedBlocks;
                DELETE FROM audit_blocks WHERE block < $archivedBlocks;
                """;
            delete.Parameters.AddWithValue("$last", last);

            // A block whose entries are all archived loses its postings; a block archived in part keeps them until it goes whole.
            delete.Parameters.AddWithValue("$archivedBlocks", last / AuditBlockIndex.BlockSize);
            delete.ExecuteNonQuery();
        }

        await transaction.CommitAsync(cancellationToken);
        return last - first + 1;
    }

    private static async IAsyncEnumerable<AuditEntry> ReadRangeAsync(
        SqliteConnection connection, long upTo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in ReadEntriesAsync(connection, upTo, cancellationToken))
        {
            yield return entry;
        }
    }
}
