using SQLitePCL;

namespace Aos.Storage.Sqlite;

/// <summary>Prepares the SQLite library of the process for AOS before its first use.</summary>
/// <remarks>
/// <para>
/// SQLite keeps memory statistics by default: every allocation and release it makes takes one lock that all connections of the
/// process share, and asks the allocator for the block's size. AOS reads none of those statistics, and the lock is contended
/// between the writer thread and every reader, so AOS turns them off (<c>SQLITE_CONFIG_MEMSTATUS</c>), as SQLite's own list of
/// recommended compile-time options does (<c>SQLITE_DEFAULT_MEMSTATUS=0</c>). Without them, <c>sqlite3_memory_used</c>,
/// <c>sqlite3_memory_highwater</c>, <c>sqlite3_status64</c> and the soft and hard heap limits do nothing in this process.
/// </para>
/// <para>
/// SQLite accepts the setting only before it initializes, which it does when the process opens its first connection. The
/// registration of the embedded storage (<c>AddAosSqlite</c>) and every <see cref="SqliteDatabase"/> apply it first; when some
/// other code of the process opened a connection before, SQLite keeps its statistics, and <see cref="SqliteDatabase"/> logs it once.
/// </para>
/// </remarks>
public static class SqliteEngine
{
    private static readonly Lock Gate = new();
    private static bool? _configured;

    /// <summary>Applies AOS's settings to the SQLite library of the process, once; later calls return the first call's outcome.</summary>
    /// <returns>
    /// <see langword="true"/> if SQLite runs with AOS's settings; <see langword="false"/> if the process had already used SQLite, which then
    /// keeps its own.
    /// </returns>
    public static bool Configure()
    {
        lock (Gate)
        {
            return _configured ??= Apply() == raw.SQLITE_OK;
        }
    }

    /// <summary>Asks SQLite to turn its memory statistics off, and returns its result code: <c>SQLITE_MISUSE</c> once SQLite is initialized.</summary>
    internal static int Apply()
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0);
    }
}
