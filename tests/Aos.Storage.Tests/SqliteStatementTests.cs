using Aos.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Tests;

public sealed class SqliteStatementTests : IDisposable
{
    private const string InsertSql = "INSERT INTO items (id, name, data) VALUES ($id, $name, $data);";
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public SqliteStatementTests()
    {
        _connection.Open();
        using var command = _connection.CreateCommand();
        command.CommandText = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, data BLOB);";
        command.ExecuteNonQuery();
    }

    [Fact]
    public void Execute_BoundValues_AreStoredAndChangesCounted()
    {
        var insert = SqliteStatement.Get(_connection, InsertSql, "$id", "$name", "$data");

        Assert.Equal(1, insert.Bind(0, 1).Bind(1, "one").Bind(2, new byte[] { 1, 2 }).Execute());
        Assert.Equal(1, insert.Bind(0, 2).Bind(1, (string?)null).Bind(2, (byte[]?)null).Execute());

        Assert.Equal("one|0102", Scalar("SELECT name || '|' || hex(data) FROM items WHERE id = 1;"));
        Assert.Equal("1|1", Scalar("SELECT (name IS NULL) || '|' || (data IS NULL) FROM items WHERE id = 2;"));
        Assert.Equal(2, SqliteStatement.Get(_connection, "UPDATE items SET name = $n;", "$n").Bind(0, "x").Execute());
    }

    [Fact]
    public void Execute_EmptyBlob_IsStoredAsAnEmptyBlobNotNull()
    {
        SqliteStatement.Get(_connection, InsertSql, "$id", "$name", "$data").Bind(0, 1).Bind(2, Array.Empty<byte>()).Execute();

        Assert.Equal("blob|0", Scalar("SELECT typeof(data) || '|' || length(data) FROM items WHERE id = 1;"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(300)]
    [InlineData(5_000)]
    [InlineData(300_000)]
    public void Execute_BoundText_IsStoredExactly_WhateverItsLength(int length)
    {
        // Multi-byte characters (2, 3 and 4 bytes in UTF-8) around the stack buffer's size and the rented one's.
        var text = string.Concat(Enumerable.Repeat("aé€😀", length == 0 ? 0 : Math.Max(1, length / 5)));
        var insert = SqliteStatement.Get(_connection, InsertSql, "$id", "$name", "$data");

        insert.Bind(0, 1).Bind(1, text).Execute();
        insert.Bind(0, 2).Bind(1, "second").Execute();

        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT name, typeof(name) FROM items ORDER BY id;";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal((text, "text"), (reader.GetString(0), reader.GetString(1)));
        Assert.True(reader.Read());
        Assert.Equal("second", reader.GetString(0));
    }

    [Fact]
    public void Execute_AfterAnExecution_HasNoValueLeftBound()
    {
        var insert = SqliteStatement.Get(_connection, InsertSql, "$id", "$name", "$data");
        insert.Bind(0, 1).Bind(1, "one").Execute();

        insert.Bind(0, 2).Execute();

        Assert.Equal("1", Scalar("SELECT name IS NULL FROM items WHERE id = 2;"));
    }

    [Fact]
    public void Get_SameTextTwice_ReturnsThePreparedStatement()
    {
        var first = SqliteStatement.Get(_connection, InsertSql, "$id", "$name", "$data");

        Assert.Same(first, SqliteStatement.Get(_connection, InsertSql, "$id", "$name", "$data"));
    }

    [Fact]
    public void Get_SameTextWithOtherParameterNames_Throws()
    {
        SqliteStatement.Get(_connection, InsertSql, "$id", "$name", "$data");

        var error = Assert.Throws<InvalidOperationException>(() => SqliteStatement.Get(_connection, InsertSql, "$name", "$id", "$data"));
        Assert.Contains("($id, $name, $data)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_NameTheStatementDoesNotUse_IsIgnored()
    {
        var update = SqliteStatement.Get(_connection, "UPDATE items SET name = $n WHERE id = $id;", "$id", "$n", "$unused");
        SqliteStatement.Get(_connection, InsertSql, "$id", "$name", "$data").Bind(0, 1).Bind(1, "one").Execute();

        Assert.Equal(1, update.Bind(0, 1).Bind(1, "two").Bind(2, "ignored").Execute());
        Assert.Equal("two", Scalar("SELECT name FROM items WHERE id = 1;"));
    }

    [Fact]
    public void Get_TextWithTwoStatements_ThrowsNamingTheRest()
    {
        var error = Assert.Throws<ArgumentException>(() => SqliteStatement.Get(_connection, "DELETE FROM items; DELETE FROM items WHERE id = 1;"));

        Assert.Contains("DELETE FROM items WHERE id = 1;", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_InvalidSql_ThrowsSqliteException()
    {
        Assert.Throws<SqliteException>(() => SqliteStatement.Get(_connection, "INSERT INTO missing VALUES (1);"));
    }

    [Fact]
    public void Execute_ConstraintViolation_ThrowsSqliteExceptionAndStaysUsable()
    {
        var insert = SqliteStatement.Get(_connection, InsertSql, "$id", "$name", "$data");
        insert.Bind(0, 1).Bind(1, "one").Execute();

        var error = Assert.Throws<SqliteException>(() => insert.Bind(0, 1).Bind(1, "again").Execute());

        Assert.Equal(19, error.SqliteErrorCode);
        Assert.Equal(1, insert.Bind(0, 2).Bind(1, "two").Execute());
        Assert.Equal("2", Scalar("SELECT count(*) FROM items;"));
    }

    [Fact]
    public void ExecuteInt64_ReadsTheFirstColumnOrNull()
    {
        SqliteStatement.Get(_connection, InsertSql, "$id", "$name", "$data").Bind(0, 5).Execute();

        Assert.Equal(5L, SqliteStatement.Get(_connection, "SELECT max(id) FROM items;").ExecuteInt64());
        Assert.Null(SqliteStatement.Get(_connection, "SELECT data FROM items WHERE id = 5;").ExecuteInt64());
        Assert.Null(SqliteStatement.Get(_connection, "SELECT id FROM items WHERE id = $id;", "$id").Bind(0, 6).ExecuteInt64());
    }

    [Fact]
    public void Clear_ThenGet_PreparesAgain()
    {
        var first = SqliteStatement.Get(_connection, InsertSql, "$id", "$name", "$data");

        SqliteStatement.Clear(_connection);

        var second = SqliteStatement.Get(_connection, InsertSql, "$id", "$name", "$data");
        Assert.NotSame(first, second);
        Assert.Equal(1, second.Bind(0, 1).Execute());
    }

    public void Dispose()
    {
        SqliteStatement.Clear(_connection);
        _connection.Dispose();
    }

    private string? Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
