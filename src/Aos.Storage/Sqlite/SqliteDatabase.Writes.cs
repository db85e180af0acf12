using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteDatabase
{
    private readonly Dictionary<string, sqlite3_stmt> _controls = new(StringComparer.Ordinal);
    private long _committedBatches;
    private long _committedOperations;
    private long _rollbacks;

    private enum Outcome
    {
        Succeeded,
        Failed,
        Lost,
    }

    /// <summary>Gets how many batch transactions have been committed, for tests and diagnostics.</summary>
    internal long CommittedBatches => Interlocked.Read(ref _committedBatches);

    /// <summary>Gets how many write operations have been committed (in all batches), for diagnostics.</summary>
    internal long CommittedOperations => Interlocked.Read(ref _committedOperations);

    /// <summary>
    /// Gets how many times the writer has rolled changes back (a savepoint or a whole transaction); read on the writer thread, an
    /// operation that caches what it wrote (such as a journal's last sequence number) knows from a change in it that the cache may be stale.
    /// </summary>
    internal long Rollbacks => Interlocked.Read(ref _rollbacks);

    /// <summary>
    /// Gets or sets how many journal rows may wait to be indexed by list (see <see cref="SqliteAgentJournal"/>): with more, a list's
    /// index page is written once for more of its entries, and a read scans more rows.
    /// </summary>
    internal int JournalIndexBatch { get; set; } = 4096;

    /// <summary>Queues a write that runs on the writer thread inside a batch transaction.</summary>
    /// <typeparam name="T">The type of the operation's result.</typeparam>
    /// <param name="operation">
    /// The work, given the write connection. It runs inside the batch transaction and its own savepoint: it must not begin,
    /// commit or roll back transactions, must not block on other writes, and must not keep the connection after it returns.
    /// </param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; honoured only while the write is still queued.</param>
    /// <returns>A task that completes with the operation's result once its batch is committed, or fails with the operation's error, in which case none of its changes were kept.</returns>
    /// <remarks>The task fails with <see cref="ObjectDisposedException"/> once the database is disposed.</remarks>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, T> operation, CancellationToken cancellationToken = default) =>
        Enqueue(operation, replayable: false, cancellationToken);

    /// <summary>Queues a write that may run more than once: it changes nothing but the database, so it can run again after a rollback.</summary>
    /// <typeparam name="T">The type of the operation's result.</typeparam>
    /// <param name="operation">
    /// The work, as for <see cref="WriteAsync{T}"/>; in addition it must leave nothing outside the connection changed (no cache, no
    /// counter), because the writer may roll back its changes and run it again.
    /// </param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; honoured only while the write is still queued.</param>
    /// <returns>A task that completes with the result of the operation's last run once its batch is committed, or fails with its error.</returns>
    /// <remarks>
    /// Consecutive replayable operations of a batch run inside one savepoint instead of one each, which spares the statement
    /// journal a copy of every page each of them changes; when they begin the batch, they run in its transaction with no savepoint
    /// at all. When one of them throws, the writer rolls the group back (the savepoint, or the transaction, which it then begins
    /// again), fails that one and runs the others again, each in its own savepoint: every caller sees the same outcome as with
    /// <see cref="WriteAsync{T}"/>.
    /// </remarks>
    internal Task<T> WriteReplayableAsync<T>(Func<SqliteConnection, T> operation, CancellationToken cancellationToken = default) =>
        Enqueue(operation, replayable: true, cancellationToken);

    private Task<T> Enqueue<T>(Func<SqliteConnection, T> operation, bool replayable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var write = new WriteOperation<T>(operation, replayable);
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
            StopFlusher();
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

        if (Volatile.Read(ref _flushFailure) is not null)
        {
            FailAll(started, FlushFailed());
            return;
        }

        long sequence;
        try
        {
            sequence = RunInTransaction(started);
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

            sequence = Interlocked.Read(ref _committedSequence);
        }

        Settle(started, sequence);
    }

    /// <summary>Runs a batch in one transaction.</summary>
    /// <returns>The sequence number of the last commit, this batch's if it committed.</returns>
    private long RunInTransaction(List<WriteOperation> operations)
    {
        Control("BEGIN IMMEDIATE;");
        var isolated = operations.Count > 1;
        var grouped = isolated;
        var succeeded = 0;
        var i = 0;
        while (i < operations.Count)
        {
            if (grouped && operations[i].Replayable)
            {
                var outcome = RunGroup(operations, i, savepoint: i > 0);
                if (outcome.Lost)
                {
                    return Interlocked.Read(ref _committedSequence);
                }

                succeeded += outcome.Succeeded;
                i = outcome.Next;

                // After a failure the rest of the batch runs one savepoint per operation: failures come in bursts.
                grouped = !outcome.Failed;
                continue;
            }

            switch (RunOne(operations, i, isolated))
            {
                case Outcome.Succeeded:
                    succeeded++;
                    break;
                case Outcome.Lost:
                    return Interlocked.Read(ref _committedSequence);
            }

            i++;
        }

        if (succeeded == 0)
        {
            Control("ROLLBACK;");
            Interlocked.Increment(ref _rollbacks);
            return Interlocked.Read(ref _committedSequence);
        }

        // The sequence is taken before the commit: a read that sees this batch's changes also sees its sequence, and waits for its flush.
        var sequence = Interlocked.Increment(ref _committedSequence);
        Control("COMMIT;");
        Interlocked.Increment(ref _committedBatches);
        Interlocked.Add(ref _committedOperations, succeeded);
        RequestCheckpoint();
        return sequence;
    }

    /// <summary>Runs the replayable operations that start at <paramref name="start"/> inside one savepoint, or, when they begin the transaction, inside the transaction itself.</summary>
    /// <returns>How many succeeded, the index of the next operation to run, and whether one failed or the transaction was lost.</returns>
    /// <remarks>
    /// While a savepoint is open, SQLite copies every page the group changes into the statement journal before changing it, to be able
    /// to roll back to the savepoint. A group that begins the transaction needs no savepoint: undoing the transaction undoes exactly the
    /// group, so the writer rolls the transaction back and begins another instead, and the common case, no failure, copies nothing.
    /// </remarks>
    private (int Succeeded, int Next, bool Failed, bool Lost) RunGroup(List<WriteOperation> operations, int start, bool savepoint)
    {
        if (savepoint)
        {
            Control("SAVEPOINT ops;");
        }

        var end = start;
        while (end < operations.Count && operations[end].Replayable)
        {
            if (!operations[end].Run(_writeConnection))
            {
                break;
            }

            end++;
        }

        if (end == operations.Count || !operations[end].Replayable)
        {
            if (savepoint)
            {
                Control("RELEASE ops;");
            }

            return (end - start, end, false, false);
        }

        var failed = end;
        if (!InTransaction)
        {
            AbortAllBut(operations, failed);
            return (0, operations.Count, true, true);
        }

        // Undo the whole group, then run again, one savepoint each, the operations that ran before the one that failed.
        if (savepoint)
        {
            Control("ROLLBACK TO ops;");
            Control("RELEASE ops;");
            Interlocked.Increment(ref _rollbacks);
        }
        else
        {
            Control("ROLLBACK;");
            Interlocked.Increment(ref _rollbacks);
            Control("BEGIN IMMEDIATE;");
        }

        var succeeded = 0;
        for (var i = start; i < failed; i++)
        {
            switch (RunOne(operations, i, isolated: true))
            {
                case Outcome.Succeeded:
                    succeeded++;
                    break;
                case Outcome.Lost:
                    return (0, operations.Count, true, true);
            }
        }

        return (succeeded, failed + 1, true, false);
    }

    private Outcome RunOne(List<WriteOperation> operations, int index, bool isolated)
    {
        var op = operations[index];
        if (isolated)
        {
            Control("SAVEPOINT op;");
        }

        if (op.Run(_writeConnection))
        {
            if (isolated)
            {
                Control("RELEASE op;");
            }

            return Outcome.Succeeded;
        }

        if (!InTransaction)
        {
            AbortAllBut(operations, index);
            return Outcome.Lost;
        }

        if (isolated)
        {
            Control("ROLLBACK TO op;");
            Control("RELEASE op;");
            Interlocked.Increment(ref _rollbacks);
        }

        return Outcome.Failed;
    }

    /// <summary>
    /// Fails every operation of the batch but the one that ended its transaction: SQLite rolled the whole transaction back (disk full,
    /// I/O error, or an operation ended it itself), so the work of every operation in the batch is gone and none may report success.
    /// </summary>
    private void AbortAllBut(List<WriteOperation> operations, int culprit)
    {
        Interlocked.Increment(ref _rollbacks);
        var lost = new InvalidOperationException("The write was not committed: another write in the same batch ended its transaction.", operations[culprit].Error);
        for (var j = 0; j < operations.Count; j++)
        {
            if (j != culprit && operations[j].Error is null)
            {
                operations[j].Abort(lost);
            }
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
                Interlocked.Increment(ref _rollbacks);
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
