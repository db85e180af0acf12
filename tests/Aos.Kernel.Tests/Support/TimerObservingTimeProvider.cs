using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Kernel.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer armed on it, so a test can wait until a delay or a
/// timeout is armed before it advances the clock past it, instead of guessing.
/// </summary>
internal sealed class TimerObservingTimeProvider : FakeTimeProvider
{
    private readonly Channel<ArmedTimer> _armed = Channel.CreateUnbounded<ArmedTimer>();
    private int _sequence;

    /// <summary>Gets how many timers have been armed so far.</summary>
    public int ArmedCount => Volatile.Read(ref _sequence);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ObservedTimer(base.CreateTimer(callback, state, dueTime, period), this);
        Observe(dueTime);
        return timer;
    }

    /// <summary>Waits until a timer that matches is armed, and returns when it is due (relative to when it was armed).</summary>
    public async Task<ArmedTimer> WaitForTimerAsync(Func<ArmedTimer, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var timer = await _armed.Reader.ReadAsync(cancellationToken);
            if (match(timer))
            {
                return timer;
            }
        }
    }

    private void Observe(TimeSpan dueTime)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _armed.Writer.TryWrite(new ArmedTimer(Interlocked.Increment(ref _sequence), dueTime));
        }
    }

    internal readonly record struct ArmedTimer(int Sequence, TimeSpan DueTime);

    private sealed class ObservedTimer(ITimer inner, TimerObservingTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            owner.Observe(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
