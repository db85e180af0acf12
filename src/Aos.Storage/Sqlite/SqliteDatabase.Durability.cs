using Microsoft.Win32.SafeHandles;

namespace Aos.Storage.Sqlite;

/// <summary>
/// Flushes the write-ahead log to disk on a thread of its own, so that the writer goes on to the next batch while the disk
/// makes the previous one durable (<see cref="SqliteSynchronousMode.Full"/> and <see cref="SqliteSynchronousMode.Extra"/>).
/// </summary>
/// <remarks>
/// <para>
/// In those modes the writer connection commits without syncing and hands each batch here. A flush covers every batch whose
/// commit came before it started, because the log only grows between checkpoints and a crash loses a suffix of it, never a
/// middle. A batch's callers are answered only after such a flush, so an acknowledged write survives a power loss exactly as
/// when SQLite syncs each commit itself; what changes is that the writer no longer waits for the disk between batches.
/// </para>
/// <para>
/// Reads wait too: a read that may have seen a batch not yet flushed returns only after the flush, so nothing is observed
/// that a power loss could take back. If a flush fails, the database stops: every queued and later write, and every read
/// that would have to wait, fails with the flush's error, because after a failed flush the operating system may have dropped
/// the unflushed pages while later flushes report success. Restarting the process recovers the database from its log.
/// </para>
/// <para>
/// Each flush is timed into the histogram <c>aos.storage.sqlite.log_flush.duration</c> (<see cref="StorageDiagnostics"/>), and one
/// that takes <see cref="SlowFlush"/> or longer is logged as a warning: every write it acknowledges waited as long, so a disk that
/// stalls shows here first.
/// </para>
/// </remarks>
public sealed partial class SqliteDatabase
{
    /// <summary>The flush time from which a flush is logged as a warning; shorter ones are only measured.</summary>
    internal static readonly TimeSpan SlowFlush = TimeSpan.FromSeconds(1);

    // A monitor rather than a Lock: the flusher waits on it with Monitor.Wait until the writer queues a commit.
    private readonly object _durableLock = new();
    private readonly Queue<(long Sequence, List<WriteOperation> Operations)> _unflushed = new();
    private TaskCompletionSource _nextFlush = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _flusher;
    private SafeFileHandle? _log;
    private long _committedSequence;
    private long _durableSequence;
    private bool _stopFlusher;
    private Exception? _flushFailure;

    /// <summary>Gets a value indicating whether commits are flushed by the flusher thread rather than by SQLite inside each commit.</summary>
    /// <remarks>Only in WAL mode: without a log there is nothing to flush separately, and SQLite syncs each commit as configured.</remarks>
    private bool FlushesSeparately { get; set; }

    /// <summary>Gets or sets how the log's file is flushed to disk; tests replace it to hold a flush back or make it fail.</summary>
    internal Action<SafeFileHandle> FlushToDisk { get; set; } = RandomAccess.FlushToDisk;

    /// <summary>Gets how many batches have been flushed to disk, for tests.</summary>
    internal long FlushedBatches => Interlocked.Read(ref _durableSequence);

    private void StartFlusher()
    {
        if (FlushesSeparately)
        {
            _flusher = new Thread(RunFlusher) { IsBackground = true, Name = "Aos.Sqlite.Flusher" };
            _flusher.Start();
        }
    }

    /// <summary>Answers a batch's callers once it is durable: at once when SQLite synced the commit itself, else after the next flush.</summary>
    /// <param name="operations">The batch's operations, whatever their outcome: an error may rest on an earlier batch not yet flushed.</param>
    /// <param name="sequence">The batch's sequence number, taken before its commit.</param>
    private void Settle(List<WriteOperation> operations, long sequence)
    {
        if (!FlushesSeparately)
        {
            Volatile.Write(ref _durableSequence, sequence);
            CompleteAll(operations);
            return;
        }

        lock (_durableLock)
        {
            if (_flushFailure is null)
            {
                _unflushed.Enqueue((sequence, operations));
                Monitor.PulseAll(_durableLock);
                return;
            }
        }

        FailAll(operations, FlushFailed());
    }

    private void RunFlusher()
    {
        var taken = new List<(long Sequence, List<WriteOperation> Operations)>();
        while (true)
        {
            lock (_durableLock)
            {
                while (_unflushed.Count == 0 && !_stopFlusher)
                {
                    Monitor.Wait(_durableLock);
                }

                if (_unflushed.Count == 0)
                {
                    return;
                }

                // Everything queued so far was committed before this flush starts, so the flush covers all of it.
                taken.AddRange(_unflushed);
                _unflushed.Clear();
            }

            // After a failed flush no later flush may vouch for these writes: the pages the failure lost are not written again.
            var failure = Volatile.Read(ref _flushFailure);
            if (failure is null)
            {
                var started = _timeProvider.GetTimestamp();
                try
                {
                    _log ??= File.OpenHandle(DatabasePath + "-wal", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                    FlushToDisk(_log);
                }
                catch (Exception ex)
                {
                    // Whatever kept the log from reaching the disk, the writes it holds are not durable: the database stops.
                    failure = ex;
                    Log.FlushFailed(_logger, ex, DatabasePath);
                }

                // Outside the catch: a metrics listener or logger that throws must not pass for a disk that failed.
                if (failure is null)
                {
                    Flushed(_timeProvider.GetElapsedTime(started));
                }
            }

            TaskCompletionSource flushed;
            lock (_durableLock)
            {
                if (failure is null)
                {
                    _durableSequence = taken[^1].Sequence;
                }
                else
                {
                    _flushFailure ??= failure;
                }

                flushed = _nextFlush;
                _nextFlush = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            flushed.TrySetResult();
            foreach (var (_, operations) in taken)
            {
                if (failure is null)
                {
                    CompleteAll(operations);
                }
                else
                {
                    FailAll(operations, FlushFailed());
                }
            }

            taken.Clear();
        }
    }

    /// <summary>Records how long the disk took for one flush, and warns when it took long enough to hold up every write.</summary>
    private void Flushed(TimeSpan elapsed)
    {
        StorageDiagnostics.LogFlushDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(StorageDiagnostics.DatabaseTag, DatabasePath));
        if (elapsed >= SlowFlush)
        {
            Log.SlowFlush(_logger, DatabasePath, elapsed.TotalMilliseconds);
        }
    }

    /// <summary>Flushes what is left, answers its callers and ends the flusher thread; called by the writer thread as it stops.</summary>
    private void StopFlusher()
    {
        if (_flusher is null)
        {
            return;
        }

        lock (_durableLock)
        {
            _stopFlusher = true;
            Monitor.PulseAll(_durableLock);
        }

        _flusher.Join();
        _log?.Dispose();
    }

    /// <summary>Tells whether every batch committed so far is on disk.</summary>
    private bool IsDurable() => !FlushesSeparately || Interlocked.Read(ref _durableSequence) >= Interlocked.Read(ref _committedSequence);

    /// <summary>Completes when every batch committed so far is on disk.</summary>
    /// <exception cref="IOException">A flush failed: the database has stopped.</exception>
    internal async ValueTask WhenDurableAsync(CancellationToken cancellationToken = default)
    {
        if (!FlushesSeparately)
        {
            return;
        }

        var target = Interlocked.Read(ref _committedSequence);
        while (true)
        {
            Task next;
            lock (_durableLock)
            {
                if (_durableSequence >= target)
                {
                    return;
                }

                if (_flushFailure is not null)
                {
                    throw FlushFailed();
                }

                next = _nextFlush.Task;
            }

            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gets the error for a write or read refused because a flush failed; the database stays stopped until the process restarts.</summary>
    private IOException FlushFailed() => new(
        $"The SQLite database '{DatabasePath}' stopped after its write-ahead log could not be flushed to disk: recent writes may not " +
        "survive a power loss, and the operating system may have dropped them. Fix the disk, then restart the process: SQLite recovers " +
        "the database from its log.",
        _flushFailure);

    private static void CompleteAll(List<WriteOperation> operations)
    {
        foreach (var operation in operations)
        {
            operation.Complete();
        }
    }

    private static void FailAll(List<WriteOperation> operations, Exception error)
    {
        foreach (var operation in operations)
        {
            operation.Abort(error);
            operation.Complete();
        }
    }
}
