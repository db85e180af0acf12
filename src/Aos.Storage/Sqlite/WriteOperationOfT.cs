using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

/// <summary>Represents a queued write that produces a value.</summary>
/// <typeparam name="T">The type of the operation's result.</typeparam>
internal sealed class WriteOperation<T> : WriteOperation
{
    private readonly Func<SqliteConnection, T> _operation;
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _registration;
    private CancellationToken _cancellationToken;
    private T? _result;

    public WriteOperation(Func<SqliteConnection, T> operation, bool replayable)
        : base(replayable) => _operation = operation;

    public Task<T> Task => _completion.Task;

    /// <summary>Cancels the operation when <paramref name="cancellationToken"/> fires before the writer starts it.</summary>
    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return;
        }

        _cancellationToken = cancellationToken;
        _registration = cancellationToken.UnsafeRegister(static state => ((WriteOperation<T>)state!).OnCancelled(), this);
    }

    protected override void Execute(SqliteConnection connection) => _result = _operation(connection);

    protected override void SetResult()
    {
        _registration.Dispose();
        _completion.TrySetResult(_result!);
    }

    protected override void SetException(Exception error)
    {
        _registration.Dispose();
        _completion.TrySetException(error);
    }

    private void OnCancelled()
    {
        if (TryCancel())
        {
            _completion.TrySetCanceled(_cancellationToken);
        }
    }
}
