using Aos.Storage.Sqlite;

namespace Aos.Storage.Tests;

/// <summary>Holds a database's flusher inside its next flush until released; the flush itself is real.</summary>
internal sealed class FlushGate : IDisposable
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FlushGate(SqliteDatabase database)
    {
        var flush = database.FlushToDisk;
        database.FlushToDisk = handle =>
        {
            _entered.TrySetResult();
            _release.Task.Wait(TimeSpan.FromSeconds(30));
            flush(handle);
        };
    }

    public Task Entered => _entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

    public void Release() => _release.TrySetResult();

    public void Dispose() => _release.TrySetResult();
}
