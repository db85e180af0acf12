using Aos.Storage.Sqlite;

namespace Aos.Storage.Tests;

/// <summary>Holds the writer thread inside a write until released, so a test can queue writes behind it deterministically.</summary>
internal sealed class WriterGate : IDisposable
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WriterGate()
    {
    }

    /// <summary>Gets the blocking write's task.</summary>
    public Task Blocker { get; private set; } = Task.CompletedTask;

    /// <summary>Queues a write that blocks the writer, and completes once the writer is inside it.</summary>
    public static async Task<WriterGate> CloseAsync(SqliteDatabase database)
    {
        var gate = new WriterGate();
        gate.Blocker = database.WriteAsync(_ =>
        {
            gate._entered.TrySetResult();
            gate._release.Task.Wait(TimeSpan.FromSeconds(30));
            return 0;
        });
        await gate._entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return gate;
    }

    /// <summary>Lets the writer go on, and waits for the blocking write to commit.</summary>
    public Task OpenAsync()
    {
        _release.TrySetResult();
        return Blocker;
    }

    public void Dispose() => _release.TrySetResult();
}
