using System.Runtime.InteropServices;
using SQLitePCL;

namespace Aos.Governance.Audit;

/// <summary>Reads the columns of a stepped statement through SQLite's C API directly, with the statement's handle held once per run of rows.</summary>
/// <remarks>
/// Verification reads nine columns of every entry, each a pointer and a length; through <see cref="raw"/> each of those eighteen calls
/// takes and releases the statement's <see cref="SafeHandle"/>, which costs about as much as hashing the row. A <see cref="Lease"/> takes the
/// handle once (<see cref="SafeHandle.DangerousAddRef"/>) for a whole range of rows and calls the same native library that SQLitePCLRaw
/// loaded. Used by the verification readers only.
/// </remarks>
internal static unsafe partial class SqliteColumns
{
    private const string Library = "e_sqlite3";

    /// <summary>Holds a statement's native handle for the rows read under it.</summary>
    public readonly ref struct Lease
    {
        private readonly sqlite3_stmt _statement;
        private readonly IntPtr _handle;

        public Lease(sqlite3_stmt statement)
        {
            var added = false;
            statement.DangerousAddRef(ref added);
            _statement = statement;
            _handle = statement.DangerousGetHandle();
        }

        public ReadOnlySpan<byte> Blob(int column)
        {
            var pointer = sqlite3_column_blob(_handle, column);
            var length = sqlite3_column_bytes(_handle, column);
            return pointer == IntPtr.Zero ? [] : new ReadOnlySpan<byte>((void*)pointer, length);
        }

        public long Int64(int column) => sqlite3_column_int64(_handle, column);

        public int Int32(int column) => sqlite3_column_int(_handle, column);

        public void Dispose() => _statement.DangerousRelease();
    }

    [LibraryImport(Library)]
    private static partial IntPtr sqlite3_column_blob(IntPtr statement, int column);

    [LibraryImport(Library)]
    private static partial int sqlite3_column_bytes(IntPtr statement, int column);

    [LibraryImport(Library)]
    private static partial long sqlite3_column_int64(IntPtr statement, int column);

    [LibraryImport(Library)]
    private static partial int sqlite3_column_int(IntPtr statement, int column);
}
