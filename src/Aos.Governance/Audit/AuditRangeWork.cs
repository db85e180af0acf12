using System.Collections.Concurrent;

namespace Aos.Governance.Audit;

/// <summary>Hands the ranges of a verification to its readers in order and gives their chunks back to the checks in order.</summary>
/// <remarks>
/// Readers take the next range as they become free, so a slow range does not hold the others back; at most <c>window</c> ranges are
/// taken and not yet checked, which bounds the memory in flight. Range <c>k</c>'s chunk is found in slot <c>k % window</c>: the slot is
/// renewed before range <c>k</c>'s place in the window is given back, so range <c>k + window</c> cannot be put there earlier.
/// </remarks>
internal sealed class AuditRangeWork : IDisposable
{
    private readonly long _first;
    private readonly long _ranges;
    private readonly SemaphoreSlim _window;
    private readonly TaskCompletionSource<AuditRowChunk>[] _slots;
    private readonly TaskCompletionSource<AuditRowChunk> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentBag<AuditRowChunk> _spares = [];
    private readonly ConcurrentBag<AuditRowChunk> _created = [];
    private long _next = -1;

    public AuditRangeWork(long first, long last, long ranges, int window)
    {
        _first = first;
        Last = last;
        _ranges = ranges;
        _window = new SemaphoreSlim(window, window);
        _slots = new TaskCompletionSource<AuditRowChunk>[window];
        for (var i = 0; i < window; i++)
        {
            _slots[i] = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Gets the last sequence number to verify.</summary>
    public long Last { get; }

    /// <summary>Returns the first sequence number of a range.</summary>
    public long Start(long range) => _first + (range * AuditRowChunk.Capacity);

    /// <summary>Waits for room in the window and takes the next range; <see langword="null"/> when none is left.</summary>
    public async Task<long?> NextAsync(CancellationToken cancellationToken)
    {
        await _window.WaitAsync(cancellationToken);
        var range = Interlocked.Increment(ref _next);
        if (range < _ranges)
        {
            return range;
        }

        _window.Release();
        return null;
    }

    /// <summary>Returns a chunk to fill: one the checks are done with, or a new one.</summary>
    public AuditRowChunk Rent()
    {
        if (!_spares.TryTake(out var chunk))
        {
            chunk = new AuditRowChunk();
            _created.Add(chunk);
        }

        chunk.Clear();
        return chunk;
    }

    /// <summary>Hands a range's filled and hashed chunk to the checks.</summary>
    public void Complete(long range, AuditRowChunk chunk) => _slots[range % _slots.Length].TrySetResult(chunk);

    /// <summary>Makes the checks fail with a reader's error.</summary>
    public void Fail(Exception exception) => _failed.TrySetException(exception);

    /// <summary>Waits for a range's chunk, in order; throws a reader's error.</summary>
    public async Task<AuditRowChunk> TakeAsync(long range)
    {
        var slot = _slots[range % _slots.Length];
        var chunk = await await Task.WhenAny(slot.Task, _failed.Task);
        _slots[range % _slots.Length] = new(TaskCreationOptions.RunContinuationsAsynchronously);
        return chunk;
    }

    /// <summary>Takes a checked chunk back for reuse and gives its range's place in the window back.</summary>
    public void Recycle(AuditRowChunk chunk)
    {
        _spares.Add(chunk);
        _window.Release();
    }

    public void Dispose()
    {
        foreach (var chunk in _created)
        {
            chunk.Dispose();
        }

        _window.Dispose();
    }
}
