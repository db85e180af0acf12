namespace Aos.Azure.Storage;

/// <summary>Runs an idempotent creation (a container, table or queue) once, the first time it is needed; a failed creation is tried again next time.</summary>
/// <remarks>Thread-safe: concurrent callers wait for one creation.</remarks>
internal sealed class CreateOnce(Func<CancellationToken, Task> create) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _created;

    /// <summary>Creates the resource unless it was created already.</summary>
    public async ValueTask EnsureAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_created)
            {
                await create(cancellationToken).ConfigureAwait(false);
                _created = true;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Forgets the creation, after the resource was deleted: the next write creates it again.</summary>
    public void Reset() => _created = false;

    public void Dispose() => _lock.Dispose();
}
