using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteDatabase
{
    private readonly Dictionary<string, sqlite3_stmt> _controls = new(StringComparer.Ordinal);
    private long _committedBatches;
    private long _committedOperations;

    /// <summary>Gets how many batch transactions have been committed, for tests and diagnostics.</summary>
    internal long CommittedBatches => Interlocked.Read(ref _committedBatches);

    /// <summary>Gets how many write operations have been committed (in all batches), for diagnostics.</summary>
    internal long CommittedOperations => Interlocked.Read(ref _committedOperations);

    /// <summary>Queues a write that runs on the writer thread inside a batch transaction.</summary>
    /// <typeparam name="T">The type of the operation's result.</typeparam>
    /// <param name="operation">
    /// The work, given the write connection. It runs inside the batch transaction and its own savepoint: it must not begin,
    /// commit or roll back transactions, must not block on other writes, and must not keep the connection after it returns.
    /// </param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; honoured only while the write is still queued.</param>
    /// <returns>A task that completes with the operation's result once its batch is committed, or fails with the operation's error, in which case none of its changes were kept.</returns>
    /// <remarks>The task fails with <see cref="ObjectDisposedException"/> once the database is disposed.</remarks>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, T> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var write = new WriteOperation<T>(operation);
        write.RegisterCancellation(cancellationToken);
        if (!_queue.Writer.TryWrite(write))
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteDatabase), $"The database '{DatabasePath}' is closed; no more writes are accepted."));
        }

        return write.Task;
    }

    private void RunWriter()
    {
        var reader = _queue.Reader;
        var batch = new List<WriteOperation>(Math.Min(_options.MaxBatchSize, 4096));
        try
        {
            while (true)
            {
                if (!reader.TryRead(out var first))
                {
                    var wait = reader.WaitToReadAsync();
                    var more = wait.IsCompleted ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
                    if (!more)
                    {
                        break;
                    }

                    continue;
                }

                batch.Add(first);
                while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                ExecuteBatch(batch);
                batch.Clear();
            }
        }
        finally
        {
            FinalizeControls();
            CloseConnection(_writeConnection);
            Log.Closed(_logger, DatabasePath);
            _writerStopped.TrySetResult();
        }
    }

    private void ExecuteBatch(List<WriteOperation> batch)
    {
        var started = batch.FindAll(static op => op.TryStart());
        if (started.Count == 0)
        {
            return;
        }

        try
        {
            RunInTransaction(started);
        }
        catch (Exception ex)
        {
            // The writer thread must survive any failure: the callers get the error instead.
            Log.BatchFailed(_logger, ex, started.Count, DatabasePath);
            RollbackIfActive();
            foreach (var op in started)
            {
                if (op.Error is null)
                {
                    op.Abort(ex);
                }
            }
        }

        foreach (var op in started)
        {
            op.Complete();
        }
    }

    private void RunInTransaction(List<WriteOperation> operations)
    {
        var connection = _writeConnection;
        Control("BEGIN IMMEDIATE;");
        var isolated = operations.Count > 1;
        var succeeded = 0;
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            if (isolated)
            {
                Control("SAVEPOINT op;");
            }

            if (op.Run(connection))
            {
                succeeded++;
                if (isolated)
                {
                    Control("RELEASE op;");
                }

                continue;
            }

            if (!InTransaction)
            {
                // SQLite rolled the whole transaction back (disk full, I/O error, or the operation ended it itself):
                // the work of every operation in this batch is gone, so none of them may report success.
                var lost = new InvalidOperationException("The write was not committed: another write in the same batch ended its transaction.", op.Error);
                for (var j = 0; j < operations.Count; j++)
                {
                    if (j != i && operations[j].Error is null)
                    {
                        operations[j].Abort(lost);
                    }
                }

                return;
            }

            if (isolated)
            {
                Control("ROLLBACK TO op;");
                Control("RELEASE op;");
            }
        }

        Control(succeeded > 0 ? "COMMIT;" : "ROLLBACK;");
        if (succeeded > 0)
        {
            Interlocked.Increment(ref _committedBatches);
            Interlocked.Add(ref _committedOperations, succeeded);
            RequestCheckpoint();
        }
    }

    private bool InTransaction => raw.sqlite3_get_autocommit(_writeConnection.Handle) == 0;

    /// <summary>Runs a transaction-control statement on the writer connection, prepared once and stepped directly.</summary>
    /// <remarks>These run twice per write operation; going through the native statement skips the data reader a command creates.</remarks>
    private void Control(string sql)
    {
        if (!_controls.TryGetValue(sql, out var statement))
        {
            var prepared = raw.sqlite3_prepare_v2(_writeConnection.Handle, sql, out statement);
            SqliteException.ThrowExceptionForRC(prepared, _writeConnection.Handle);
            _controls.Add(sql, statement);
        }

        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _writeConnection.Handle);
        }
    }

    private void FinalizeControls()
    {
        foreach (var statement in _controls.Values)
        {
            statement.Dispose();
        }

        _controls.Clear();
    }

    private void RollbackIfActive()
    {
        try
        {
            if (InTransaction)
            {
                Control("ROLLBACK;");
            }
        }
        catch (SqliteException ex)
        {
            // Best effort: if the connection cannot roll back, the next BEGIN fails and says why.
            Log.RollbackFailed(_logger, ex, DatabasePath);
        }
    }
}
