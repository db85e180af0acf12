using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

/// <summary>Represents one queued write: it runs on the writer thread inside a batch transaction and completes after the commit.</summary>
/// <remarks>
/// A cancellation is honoured only while the operation waits in the queue: once it has started it runs to the end,
/// so a caller never sees a cancelled task for a write that was committed.
/// </remarks>
internal abstract class WriteOperation
{
    private const int Pending = 0;
    private const int Running = 1;
    private const int Cancelled = 2;

    private int _state;

    /// <summary>Initializes a new instance of the <see cref="WriteOperation"/> class.</summary>
    /// <param name="replayable">Whether the operation may run again after its changes were rolled back.</param>
    protected WriteOperation(bool replayable) => Replayable = replayable;

    /// <summary>
    /// Gets a value indicating whether the operation changes nothing but the database, so that the writer may run it again after
    /// rolling its changes back; such operations share one savepoint instead of taking one each.
    /// </summary>
    public bool Replayable { get; }

    /// <summary>Gets the error the operation threw, once it has run.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Claims the operation for execution; fails when it was cancelled while queued.</summary>
    public bool TryStart() => Interlocked.CompareExchange(ref _state, Running, Pending) == Pending;

    /// <summary>Runs the operation, recording its result or its error.</summary>
    public bool Run(SqliteConnection connection)
    {
        Error = null;
        try
        {
            Execute(connection);
            return true;
        }
        catch (Exception ex)
        {
            // The error belongs to this operation's caller only; the rest of the batch goes on.
            Error = ex;
            return false;
        }
    }

    /// <summary>Replaces the outcome with an error that undid the operation's work after it ran.</summary>
    public void Abort(Exception error) => Error = error;

    /// <summary>Completes the caller's task with the recorded outcome.</summary>
    public void Complete()
    {
        if (Error is { } error)
        {
            SetException(error);
        }
        else
        {
            SetResult();
        }
    }

    protected bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Pending) == Pending;

    protected abstract void Execute(SqliteConnection connection);

    protected abstract void SetResult();

    protected abstract void SetException(Exception error);
}
