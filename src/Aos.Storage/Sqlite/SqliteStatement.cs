using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aos.Storage.Sqlite;

/// <summary>
/// A statement prepared once per connection and stepped through SQLite's C API, for the writer's hot statements (grain state, turn
/// journal, bus messages).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="SqliteCommand"/> creates a data reader, walks its statement list and looks every parameter up by name on each execution,
/// which costs as much as a small insert or update itself; a turn runs five or so of them on the single writer thread. A statement
/// here binds by position (the names are resolved once, when it is prepared) and raises the same <see cref="SqliteException"/> as a
/// command would. Bind every parameter before each <see cref="Execute"/>: the bindings are cleared after it.
/// </para>
/// <para>A connection is used by one thread at a time (the writer thread, or the reader that rented it), so no locking is needed.</para>
/// </remarks>
internal sealed class SqliteStatement : IDisposable
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteStatement>> Caches = [];

    private readonly sqlite3 _connection;
    private readonly sqlite3_stmt _statement;
    private readonly string[] _names;
    private readonly int[] _indexes;

    private SqliteStatement(sqlite3 connection, sqlite3_stmt statement, string[] names, int[] indexes)
    {
        _connection = connection;
        _statement = statement;
        _names = names;
        _indexes = indexes;
    }

    /// <summary>Gets the statement for <paramref name="sql"/> on <paramref name="connection"/>, preparing it the first time.</summary>
    /// <param name="connection">The open connection.</param>
    /// <param name="sql">One SQL statement; use a constant so the cache stays small.</param>
    /// <param name="parameterNames">The parameters, in the order their values are bound by position; a name the statement does not use is ignored.</param>
    /// <returns>The statement, reset and with no values bound.</returns>
    public static SqliteStatement Get(SqliteConnection connection, string sql, params ReadOnlySpan<string> parameterNames)
    {
        var cache = Caches.GetValue(connection, static _ => new Dictionary<string, SqliteStatement>(StringComparer.Ordinal));
        if (cache.TryGetValue(sql, out var statement))
        {
            // Positions mean what the first caller's names said: a caller with other names would bind the wrong parameters.
            return parameterNames.SequenceEqual(statement._names)
                ? statement
                : throw new InvalidOperationException($"The statement '{sql}' was prepared with the parameters ({string.Join(", ", statement._names)}), not ({string.Join(", ", parameterNames.ToArray())}).");
        }

        var handle = connection.Handle!;
        var rc = raw.sqlite3_prepare_v3(handle, sql, raw.SQLITE_PREPARE_PERSISTENT, out var prepared, out var tail);
        SqliteException.ThrowExceptionForRC(rc, handle);
        if (!string.IsNullOrWhiteSpace(tail))
        {
            prepared.Dispose();
            throw new ArgumentException($"Only one statement can be prepared at a time; this text has more after the first: '{tail.Trim()}'.", nameof(sql));
        }

        var indexes = new int[parameterNames.Length];
        for (var i = 0; i < parameterNames.Length; i++)
        {
            indexes[i] = raw.sqlite3_bind_parameter_index(prepared, parameterNames[i]);
        }

        statement = new SqliteStatement(handle, prepared, parameterNames.ToArray(), indexes);
        cache.Add(sql, statement);
        return statement;
    }

    /// <summary>Finalizes the statements prepared on a connection that is being closed.</summary>
    /// <param name="connection">The connection.</param>
    public static void Clear(SqliteConnection connection)
    {
        if (Caches.TryGetValue(connection, out var cache))
        {
            foreach (var statement in cache.Values)
            {
                statement.Dispose();
            }

            Caches.Remove(connection);
        }
    }

    /// <summary>Binds text, or SQL NULL for <see langword="null"/>, to the parameter at <paramref name="position"/> in the names given to <see cref="Get"/>.</summary>
    /// <returns>This statement.</returns>
    public SqliteStatement Bind(int position, string? value)
    {
        if (_indexes[position] is var index and > 0)
        {
            Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));
        }

        return this;
    }

    /// <summary>Binds text already encoded as UTF-8 (as <see cref="System.Text.Json.JsonSerializer.SerializeToUtf8Bytes{TValue}(TValue, System.Text.Json.Serialization.Metadata.JsonTypeInfo{TValue})"/> gives it) to the parameter at <paramref name="position"/>, without a round trip through a string.</summary>
    /// <returns>This statement.</returns>
    public SqliteStatement BindUtf8(int position, ReadOnlySpan<byte> value)
    {
        if (_indexes[position] is var index and > 0)
        {
            Check(raw.sqlite3_bind_text(_statement, index, value));
        }

        return this;
    }

    /// <summary>Binds an integer to the parameter at <paramref name="position"/>.</summary>
    /// <returns>This statement.</returns>
    public SqliteStatement Bind(int position, long value)
    {
        if (_indexes[position] is var index and > 0)
        {
            Check(raw.sqlite3_bind_int64(_statement, index, value));
        }

        return this;
    }

    /// <summary>Binds a blob, or SQL NULL for <see langword="null"/>, to the parameter at <paramref name="position"/>.</summary>
    /// <returns>This statement.</returns>
    public SqliteStatement Bind(int position, byte[]? value)
    {
        if (_indexes[position] is var index and > 0)
        {
            Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_blob(_statement, index, value));
        }

        return this;
    }

    /// <summary>Runs the statement to its end.</summary>
    /// <returns>The number of rows it inserted, updated or deleted.</returns>
    /// <exception cref="SqliteException">SQLite refused the statement (a constraint, a full disk, …).</exception>
    public int Execute()
    {
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
            }

            Check(rc, raw.SQLITE_DONE);
            return raw.sqlite3_changes(_connection);
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Runs the statement and reads the first column of its first row as an integer.</summary>
    /// <returns>The value, or <see langword="null"/> when there is no row or the value is NULL.</returns>
    /// <exception cref="SqliteException">SQLite refused the statement.</exception>
    public long? ExecuteInt64()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                return raw.sqlite3_column_type(_statement, 0) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(_statement, 0);
            }

            Check(rc, raw.SQLITE_DONE);
            return null;
        }
        finally
        {
            Reset();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _statement.Dispose();

    private void Reset()
    {
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }

    private void Check(int rc, int expected = raw.SQLITE_OK)
    {
        if (rc != expected)
        {
            SqliteException.ThrowExceptionForRC(rc, _connection);
        }
    }
}
