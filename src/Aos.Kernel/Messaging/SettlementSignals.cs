using System.Collections.Concurrent;

namespace Aos.Kernel.Messaging;

/// <summary>Lets callers wait for the next settlement of a message on this node: the dispatcher signals, the bus waits.</summary>
internal sealed class SettlementSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    /// <summary>Gets a task that completes at the next settlement of the message (delivered, dead-lettered or retried).</summary>
    public Task Next(string messageId) =>
        _waiters.GetOrAdd(messageId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Wakes whoever waits on the message.</summary>
    public void Signal(string messageId)
    {
        if (_waiters.TryRemove(messageId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
