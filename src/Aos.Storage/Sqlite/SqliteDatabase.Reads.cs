using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteDatabase
{
    private readonly Stack<SqliteConnection> _idleReaders = new();
    private readonly Lock _readersLock = new();

    private static int MaxIdleReaders => Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>Runs a read on a pooled read-only connection.</summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="read">The read, given a connection it may use until its task completes; it must not write.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The read's result; it reflects every write whose task completed before the read started.</returns>
    /// <exception cref="ObjectDisposedException">The database is disposed.</exception>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        cancellationToken.ThrowIfCancellationRequested();
        var connection = RentReader();
        T result;
        try
        {
            result = await read(connection, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ReturnReader(connection);
        }

        await WhenDurableAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Runs a synchronous read on a pooled read-only connection, on the calling thread.</summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="read">The read, given a connection it may use until it returns; it must not write.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The read's result; it reflects every write whose task completed before the read started.</returns>
    /// <exception cref="ObjectDisposedException">The database is disposed.</exception>
    public Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return Task.FromResult(Read(read, static (connection, r) => r(connection)));
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    /// <summary>Runs a synchronous read on a pooled connection without allocating a closure.</summary>
    internal T Read<TState, T>(TState state, Func<SqliteConnection, TState, T> read)
    {
        var connection = RentReader();
        T result;
        try
        {
            result = read(connection, state);
        }
        finally
        {
            ReturnReader(connection);
        }

        WaitUntilDurable();
        return result;
    }

    private SqliteConnection RentReader()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_readersLock)
        {
            if (_idleReaders.TryPop(out var idle))
            {
                return idle;
            }
        }

        var connection = OpenConnection();
        try
        {
            SqliteCommandCache.Get(connection, "PRAGMA query_only=1;").ExecuteNonQuery();
            return connection;
        }
        catch
        {
            CloseConnection(connection);
            throw;
        }
    }

    private void ReturnReader(SqliteConnection connection)
    {
        lock (_readersLock)
        {
            if (Volatile.Read(ref _disposed) == 0 && _idleReaders.Count < MaxIdleReaders)
            {
                _idleReaders.Push(connection);
                return;
            }
        }

        CloseConnection(connection);
    }

    private void CloseReaders()
    {
        lock (_readersLock)
        {
            while (_idleReaders.TryPop(out var connection))
            {
                CloseConnection(connection);
            }
        }
    }
}
