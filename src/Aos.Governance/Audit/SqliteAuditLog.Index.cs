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
    private static void IndexCompleteBlocks(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var postings = connection.CreateCommand();
        postings.Transaction = transaction;
        postings.CommandText = "INSERT INTO audit_postings (field, value, block, offsets) VALUES ($field, $value, $block, $offsets)";
        var field = postings.Parameters.Add("$field", SqliteType.Integer);
        var value = postings.Parameters.Add("$value", SqliteType.Text);
        var block = postings.Parameters.Add("$block", SqliteType.Integer);
        var offsets = postings.Parameters.Add("$offsets", SqliteType.Blob);
        using var blocks = connection.CreateCommand();
        blocks.Transaction = transaction;
        blocks.CommandText = "INSERT INTO audit_blocks (block, min_time, max_time) VALUES ($block, $min, $max)";
        var blockId = blocks.Parameters.Add("$block", SqliteType.Integer);
        var min = blocks.Parameters.Add("$min", SqliteType.Integer);
        var max = blocks.Parameters.Add("$max", SqliteType.Integer);

        var index = new AuditBlockIndex();
        var current = -1L;
        void Close()
        {
            index.Close(
                current,
                (f, v, o) =>
                {
                    field.Value = f;
                    value.Value = v;
                    block.Value = current;
                    offsets.Value = o;
                    postings.ExecuteNonQuery();
                },
                (b, from, to) =>
                {
                    blockId.Value = b;
                    min.Value = from;
                    max.Value = to;
                    blocks.ExecuteNonQuery();
                });
        }

        using var read = connection.CreateCommand();
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
                Close();
            }

            current = rowBlock;
            index.Add(last, reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6));
        }

        // The block of the newest entry stays open unless that entry completes it: the writer collects it again at start.
        if (index.Count > 0 && last % AuditBlockIndex.BlockSize == 0)
        {
            Close();
        }
    }

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
            _index.Add(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6));
        }
    }

    /// <summary>Writes the postings and time range of the block the entry <paramref name="seq"/> completes, inside the writer's transaction.</summary>
    private void CloseBlock(long seq)
    {
        var posting = _insertPosting ??= Prepare("INSERT OR REPLACE INTO audit_postings (field, value, block, offsets) VALUES (?1, ?2, ?3, ?4)");
        var range = _insertBlock ??= Prepare("INSERT OR REPLACE INTO audit_blocks (block, min_time, max_time) VALUES (?1, ?2, ?3)");
        var block = AuditBlockIndex.BlockOf(seq);
        _index.Close(
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
