using Microsoft.Data.Sqlite;

namespace Aos.Governance.Audit;

public sealed partial class SqliteAuditLog
{
    /// <inheritdoc/>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        return Verify(connection, long.MaxValue, cancellationToken);
    }

    private AuditVerification Verify(SqliteConnection connection, long upTo, CancellationToken cancellationToken)
    {
        var verifier = new AuditChainVerifier(_keys.Snapshot(), ReadCheckpoints(connection, upTo), _options.CheckpointEvery);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EntryColumns} FROM audit_entries WHERE seq <= $upTo ORDER BY seq";
        command.Parameters.AddWithValue("$upTo", upTo);
        using var reader = command.ExecuteReader();
        var previous = new byte[32];
        var hash = new byte[32];
        var rows = 0;
        while (reader.Read())
        {
            if ((++rows & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            // A blob of the wrong length was tampered with; the zero-padded copy then fails the comparison that follows.
            Array.Clear(previous);
            Array.Clear(hash);
            reader.GetBytes(9, 0, previous, 0, 32);
            reader.GetBytes(10, 0, hash, 0, 32);
            if (!verifier.Check(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetString(6), (AuditLevel)reader.GetInt32(7), reader.GetString(8), previous, hash))
            {
                break;
            }
        }

        return verifier.Complete();
    }
}
