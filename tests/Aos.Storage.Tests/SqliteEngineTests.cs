using System.Runtime.CompilerServices;
using Aos.Storage.Sqlite;
using SQLitePCL;

namespace Aos.Storage.Tests;

public sealed class SqliteEngineTests : SqliteTestBase
{
    [Fact]
    public async Task Configure_BeforeSqliteIsFirstUsed_TurnsItsMemoryStatisticsOff()
    {
        // The test assembly's initializer (below) configures SQLite before any test opens a connection, as AddAosSqlite does in a node.
        Assert.True(SqliteEngine.Configure());
        await Database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t (x TEXT); INSERT INTO t SELECT hex(randomblob(500)) FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3);";
            return command.ExecuteNonQuery();
        }, Ct);
        Assert.Equal(3, await CountAsync("t"));

        // With statistics on, SQLite counts every block it holds for the open connections and their page caches.
        Assert.Equal(0, raw.sqlite3_memory_used());
    }

    [Fact]
    public async Task Apply_OnceSqliteIsInUse_IsRefusedAndChangesNothing()
    {
        // The database's first read: SQLite is initialized and its connections are open.
        Assert.True(await CountAsync("schema_version") >= 0);

        Assert.Equal(raw.SQLITE_MISUSE, SqliteEngine.Apply());
        Assert.True(SqliteEngine.Configure());
        Assert.Equal(0, raw.sqlite3_memory_used());
    }

    /// <summary>Configures SQLite for every test of the assembly before any of them can open a connection.</summary>
    [ModuleInitializer]
    internal static void ConfigureSqliteFirst() => SqliteEngine.Configure();
}
