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
            return ReadAsync(read, static (connection, r) => r(connection), cancellationToken).AsTask();
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    /// <summary>Runs a synchronous read on a pooled connection without allocating a closure, on the calling thread.</summary>
    /// <returns>
    /// The read's result once every write it may have seen is on disk. Waiting for that flush does not block the thread: a read on the
    /// thread pool that blocked for it held a worker for a sync of the disk (often a millisecond, at times hundreds), and a node's
    /// turns, which read the processed-message log before each event, ran short of workers.
    /// </returns>
    internal ValueTask<T> ReadAsync<TState, T>(TState state, Func<SqliteConnection, TState, T> read, CancellationToken cancellationToken = default)
    {
        var result = ReadLatest(state, read);
        return IsDurable() ? ValueTask.FromResult(result) : AfterFlushAsync(result, cancellationToken);

        async ValueTask<T> AfterFlushAsync(T value, CancellationToken token)
        {
            await WhenDurableAsync(token).ConfigureAwait(false);
            return value;
        }
    }

    /// <summary>Runs a synchronous read on a pooled connection, without waiting for the writes it may have seen to be on disk.</summary>
    /// <remarks>
    /// The result may reflect writes committed but not yet flushed, which a power loss would undo: a caller that acts on something it
    /// found awaits <see cref="WhenDurableAsync"/> first. What the read did not find needs no wait when only a delete not yet on disk could
    /// have hidden it and acting on its absence is harmless.
    /// </remarks>
    internal T ReadLatest<TState, T>(TState state, Func<SqliteConnection, TState, T> read)
    {
        var connection = RentReader();
        try
        {
            return read(connection, state);
        }
        finally
        {
            ReturnReader(connection);
        }
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
