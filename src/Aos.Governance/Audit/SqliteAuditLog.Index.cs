using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aos.Governance.Audit;

public sealed partial class SqliteAuditLog
{
    private const string IndexedColumns = "seq, time, tenant, actor, action, resource, level";

    // Owned by the writer loop: the open block's postings, and the statements that store a closed block's.
    private readonly AuditBlockIndex _index = new();
    private sqlite3_stmt? _insertPosting;
    private sqlite3_stmt? _insertBlock;

    /// <summary>Builds the postings of every complete block from the stored rows (a migration from the per-field indexes).</summary>
    /// <remarks>Runs inside the migration's transaction, on the writer's connection, before the writer starts.</remarks>
    private void IndexCompleteBlocks(SqliteTransaction transaction)
    {
        var index = new AuditBlockIndex();
        var current = -1L;
        using var read = _connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = $"SELECT {IndexedColumns} FROM audit_entries ORDER BY seq";
        using var reader = read.ExecuteReader();
        var last = 0L;
        while (reader.Read())
        {
            last = reader.GetInt64(0);
            var rowBlock = AuditBlockIndex.BlockOf(last);
            if (rowBlock != current && index.Count > 0)
            {
                WriteBlock(index, current);
            }

            current = rowBlock;
            Add(index, reader);
        }

        // The block of the newest entry stays open unless that entry completes it: the writer collects it again at start.
        if (index.Count > 0 && last % AuditBlockIndex.BlockSize == 0)
        {
            WriteBlock(index, current);
        }
    }

    private static void Add(AuditBlockIndex index, SqliteDataReader row) =>
        index.Add(row.GetInt64(0), row.GetInt64(1), row.GetString(2), row.GetString(3), row.GetString(4), row.GetString(5), row.GetInt32(6));

    /// <summary>Collects the open block's entries again from the stored rows: at start, and after a failed batch was rolled back.</summary>
    private void ReloadOpenBlock()
    {
        _index.Clear();
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {IndexedColumns} FROM audit_entries WHERE seq >= $first ORDER BY seq";
        command.Parameters.AddWithValue("$first", AuditBlockIndex.FirstOf(AuditBlockIndex.BlockOf(_nextSeq)));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            Add(_index, reader);
        }
    }

    /// <summary>Writes the postings and time range of the block the entry <paramref name="seq"/> completes, inside the writer's transaction.</summary>
    private void CloseBlock(long seq) => WriteBlock(_index, AuditBlockIndex.BlockOf(seq));

    /// <summary>Writes a block's postings and time range, and empties the index for the next block.</summary>
    private void WriteBlock(AuditBlockIndex index, long block)
    {
        var posting = _insertPosting ??= Prepare("INSERT OR REPLACE INTO audit_postings (field, value, block, offsets) VALUES (?1, ?2, ?3, ?4)");
        var range = _insertBlock ??= Prepare("INSERT OR REPLACE INTO audit_blocks (block, min_time, max_time) VALUES (?1, ?2, ?3)");
        index.Close(
            block,
            (field, value, offsets) =>
            {
                raw.sqlite3_bind_int(posting, 1, field);
                raw.sqlite3_bind_text(posting, 2, value);
                raw.sqlite3_bind_int64(posting, 3, block);
                raw.sqlite3_bind_blob(posting, 4, offsets);
                Step(posting);
            },
            (b, min, max) =>
            {
                raw.sqlite3_bind_int64(range, 1, b);
                raw.sqlite3_bind_int64(range, 2, min);
                raw.sqlite3_bind_int64(range, 3, max);
                Step(range);
            });
    }

    private sqlite3_stmt Prepare(string sql)
    {
        var rc = raw.sqlite3_prepare_v2(_connection.Handle, sql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        return statement;
    }

    private void Step(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
    }
}
