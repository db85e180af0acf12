namespace Aos.Azure.Messaging;

/// <summary>
/// Tracks the Service Bus copy of each pending message of one transport instance: sent and not yet deferred by the receive loop,
/// deferred under its Service Bus sequence number, or settled by the bus before the loop saw it.
/// </summary>
/// <remarks>
/// The receive loop and the settlements race: a message may be completed before its copy reaches the loop, or while the loop defers
/// it. Whoever comes second removes the copy, so a settled message leaves no copy behind in either order. All members are thread-safe.
/// </remarks>
internal sealed class QueueCopies
{
    private const long Expected = 0;
    private const long SettledBeforeSeen = -1;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, long> _copies = [];

    /// <summary>Records that a copy of the pending message at <paramref name="sequence"/> is (about to be) in the queue, not yet deferred.</summary>
    public void Expect(long sequence)
    {
        lock (_lock)
        {
            _copies[sequence] = Expected;
        }
    }

    /// <summary>Records that the copy of the pending message at <paramref name="sequence"/> is deferred under <paramref name="serviceBusSequence"/>.</summary>
    public void Track(long sequence, long serviceBusSequence)
    {
        lock (_lock)
        {
            _copies[sequence] = serviceBusSequence;
        }
    }

    /// <summary>Forgets a message whose copy could not be sent.</summary>
    public void Forget(long sequence)
    {
        lock (_lock)
        {
            _copies.Remove(sequence);
        }
    }

    /// <summary>Tells the receive loop what to do with a copy it received.</summary>
    /// <returns><see langword="true"/> to defer it (its message is pending); <see langword="false"/> to complete it (settled, or unknown to this instance).</returns>
    public bool TryAdopt(long sequence)
    {
        lock (_lock)
        {
            if (_copies.TryGetValue(sequence, out var state) && state == Expected)
            {
                return true;
            }

            if (state == SettledBeforeSeen)
            {
                _copies.Remove(sequence);
            }

            return false;
        }
    }

    /// <summary>Records a copy the receive loop deferred.</summary>
    /// <returns><see langword="true"/> when its message is still pending; <see langword="false"/> when it was settled meanwhile, so the loop removes the copy.</returns>
    public bool Deferred(long sequence, long serviceBusSequence)
    {
        lock (_lock)
        {
            if (_copies.TryGetValue(sequence, out var state) && state == Expected)
            {
                _copies[sequence] = serviceBusSequence;
                return true;
            }

            _copies.Remove(sequence);
            return false;
        }
    }

    /// <summary>Records that a message was settled (delivered or dead-lettered).</summary>
    /// <returns>The Service Bus sequence number of its deferred copy, which the caller removes; <see langword="null"/> when there is none yet.</returns>
    public long? Settle(long sequence)
    {
        lock (_lock)
        {
            if (!_copies.TryGetValue(sequence, out var state) || state == SettledBeforeSeen)
            {
                return null;
            }

            if (state == Expected)
            {
                _copies[sequence] = SettledBeforeSeen;
                return null;
            }

            _copies.Remove(sequence);
            return state;
        }
    }
}
