using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteDatabase
{
    /// <summary>The size of the write-ahead log, in pages, at which the writer checkpoints itself because the checkpointer fell behind.</summary>
    /// <remarks>SQLite's default is 1,000 pages; the checkpointer normally keeps the log far below this.</remarks>
    internal const int WriterCheckpointPages = 10_000;

    private readonly ManualResetEventSlim _checkpointDue = new(initialState: false);
    private readonly TaskCompletionSource _checkpointerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _nextCheckpoint = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _checkpointer;
    private volatile bool _stopCheckpoints;

    /// <summary>Gets a task that completes after the next background checkpoint, for tests.</summary>
    internal Task NextCheckpoint => Volatile.Read(ref _nextCheckpoint).Task;

    private void StartCheckpointer()
    {
        _checkpointer = new Thread(RunCheckpointer) { IsBackground = true, Name = "Aos.Sqlite.Checkpointer" };
        _checkpointer.Start();
    }

    /// <summary>Asks the checkpointer to copy committed pages from the write-ahead log into the database; called by the writer after a commit.</summary>
    private void RequestCheckpoint()
    {
        if (!_checkpointDue.IsSet)
        {
            _checkpointDue.Set();
        }
    }

    /// <summary>
    /// Checkpoints the write-ahead log on its own connection, so that the writer, which every acknowledgement waits for, spends its
    /// time on commits only. A passive checkpoint never blocks the writer or readers.
    /// </summary>
    private void RunCheckpointer()
    {
        SqliteConnection? connection = null;
        try
        {
            while (true)
            {
                _checkpointDue.Wait();
                if (_stopCheckpoints)
                {
                    break;
                }

                _checkpointDue.Reset();
                try
                {
                    connection ??= OpenConnection();
                    SqliteCommandCache.Get(connection, "PRAGMA wal_checkpoint(PASSIVE);").ExecuteNonQuery();
                    Interlocked.Exchange(ref _nextCheckpoint, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                }
                catch (SqliteException ex)
                {
                    // The log keeps growing until a checkpoint succeeds; the writer checkpoints past WriterCheckpointPages.
                    Log.CheckpointFailed(_logger, ex, DatabasePath, WriterCheckpointPages);
                }

                // Lets commits accumulate, so that one checkpoint (and its two syncs) covers many of them.
                Thread.Sleep(_options.CheckpointInterval);
            }
        }
        finally
        {
            if (connection is not null)
            {
                CloseConnection(connection);
            }

            _checkpointerStopped.TrySetResult();
        }
    }

    private void StopCheckpointer()
    {
        _stopCheckpoints = true;
        _checkpointDue.Set();
    }
}
