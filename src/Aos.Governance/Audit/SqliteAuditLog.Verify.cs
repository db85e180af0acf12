using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Aos.Governance.Audit;

public sealed partial class SqliteAuditLog
{
    private const int VerifyBatch = 4096;

    /// <inheritdoc/>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        return await VerifyAsync(connection, long.MaxValue, cancellationToken);
    }

    /// <summary>Reads rows on one thread and checks them on another, so reading SQLite and hashing overlap.</summary>
    private async Task<AuditVerification> VerifyAsync(SqliteConnection connection, long upTo, CancellationToken cancellationToken)
    {
        var verifier = new AuditChainVerifier(_keys.Snapshot(), ReadCheckpoints(connection, upTo), _options.CheckpointEvery);
        var full = Channel.CreateBounded<(Row[] Rows, int Count)>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var empty = Channel.CreateUnbounded<Row[]>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var check = Task.Run(
            async () =>
            {
                await foreach (var (rows, count) in full.Reader.ReadAllAsync(stop.Token))
                {
                    for (var i = 0; i < count; i++)
                    {
                        ref var r = ref rows[i];
                        if (!verifier.Check(r.Seq, r.Time, r.Tenant, r.Actor, r.Action, r.Resource, r.Outcome, r.Level, r.Context, r.PreviousHash, r.Hash))
                        {
                            await stop.CancelAsync();
                            return;
                        }
                    }

                    empty.Writer.TryWrite(rows);
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
        SqliteConnection connection, long upTo, ChannelWriter<(Row[], int)> full, ChannelReader<Row[]> empty, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EntryColumns} FROM audit_entries WHERE seq <= $upTo ORDER BY seq";
        command.Parameters.AddWithValue("$upTo", upTo);
        using var reader = command.ExecuteReader();
        var rows = NewRows();
        var count = 0;
        while (reader.Read())
        {
            ref var r = ref rows[count];
            r.Seq = reader.GetInt64(0);
            r.Time = reader.GetInt64(1);
            r.Tenant = reader.GetString(2);
            r.Actor = reader.GetString(3);
            r.Action = reader.GetString(4);
            r.Resource = reader.GetString(5);
            r.Outcome = reader.GetString(6);
            r.Level = (AuditLevel)reader.GetInt32(7);
            r.Context = reader.GetString(8);

            // A blob of the wrong length was tampered with; the zero-padded copy then fails the comparison that follows.
            Array.Clear(r.PreviousHash);
            Array.Clear(r.Hash);
            reader.GetBytes(9, 0, r.PreviousHash, 0, 32);
            reader.GetBytes(10, 0, r.Hash, 0, 32);
            if (++count == VerifyBatch)
            {
                await full.WriteAsync((rows, count), cancellationToken);
                rows = empty.TryRead(out var reused) ? reused : NewRows();
                count = 0;
            }
        }

        if (count > 0)
        {
            await full.WriteAsync((rows, count), cancellationToken);
        }
    }

    private static Row[] NewRows()
    {
        var rows = new Row[VerifyBatch];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i].PreviousHash = new byte[32];
            rows[i].Hash = new byte[32];
        }

        return rows;
    }

    private struct Row
    {
        public long Seq;
        public long Time;
        public string Tenant;
        public string Actor;
        public string Action;
        public string Resource;
        public string Outcome;
        public AuditLevel Level;
        public string Context;
        public byte[] PreviousHash;
        public byte[] Hash;
    }
}
