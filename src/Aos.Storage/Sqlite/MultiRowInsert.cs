using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

/// <summary>Inserts many rows with one multi-row <c>INSERT ... VALUES (...), (...)</c> per chunk, cutting per-statement overhead in bulk writes.</summary>
/// <remarks>Use on one connection from one thread; call <see cref="Flush"/> after the last row.</remarks>
internal sealed class MultiRowInsert
{
    private readonly SqliteCommand _chunk;
    private readonly SqliteCommand _single;
    private readonly int _columns;
    private readonly int _rowsPerChunk;
    private int _rows;

    public MultiRowInsert(SqliteConnection connection, Statement statement)
    {
        _chunk = SqliteCommandCache.Get(connection, statement.ChunkSql, statement.ChunkParameters);
        _single = SqliteCommandCache.Get(connection, statement.SingleSql, statement.SingleParameters);
        _columns = statement.Columns;
        _rowsPerChunk = statement.RowsPerChunk;
    }

    /// <summary>Sets a column of the row being added.</summary>
    public void Set(int column, object? value) => _chunk.Parameters[(_rows * _columns) + column].Value = value ?? DBNull.Value;

    /// <summary>Ends the row being added, inserting the chunk when it is full.</summary>
    public void EndRow()
    {
        if (++_rows == _rowsPerChunk)
        {
            _chunk.ExecuteNonQuery();
            _rows = 0;
        }
    }

    /// <summary>Inserts the rows of the last, partial chunk one by one.</summary>
    public void Flush()
    {
        for (var row = 0; row < _rows; row++)
        {
            for (var column = 0; column < _columns; column++)
            {
                _single.Parameters[column].Value = _chunk.Parameters[(row * _columns) + column].Value;
            }

            _single.ExecuteNonQuery();
        }

        _rows = 0;
    }

    /// <summary>Describes a multi-row insert: build one per table, once, and reuse it.</summary>
    internal sealed record Statement(string ChunkSql, string[] ChunkParameters, string SingleSql, string[] SingleParameters, int Columns, int RowsPerChunk)
    {
        /// <summary>Creates the statement for <paramref name="insertInto"/> (e.g. <c>INSERT INTO t (a, b)</c>) and literal column values.</summary>
        /// <param name="insertInto">The statement up to <c>VALUES</c>.</param>
        /// <param name="values">Each column's value expression, with <c>?</c> where the bound parameter goes; e.g. <c>["?", "0"]</c>.</param>
        /// <param name="rowsPerChunk">How many rows one chunk statement inserts.</param>
        public static Statement Create(string insertInto, string[] values, int rowsPerChunk)
        {
            var bound = values.Count(v => v == "?");
            return new Statement(
                Build(insertInto, values, rowsPerChunk), Names(bound * rowsPerChunk),
                Build(insertInto, values, 1), Names(bound),
                bound, rowsPerChunk);
        }

        private static string Build(string insertInto, string[] values, int rows)
        {
            var parameter = 0;
            var tuples = Enumerable.Range(0, rows).Select(_ => "(" + string.Join(", ", values.Select(v => v == "?" ? $"$p{parameter++}" : v)) + ")");
            return $"{insertInto} VALUES {string.Join(", ", tuples)};";
        }

        private static string[] Names(int count) => [.. Enumerable.Range(0, count).Select(i => $"$p{i}")];
    }
}
