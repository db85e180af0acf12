namespace Aos.Kernel.Timers;

/// <summary>
/// Fires a grain's persisted deadline by itself: a timer on the node's <see cref="TimeProvider"/> while the grain is active, and an
/// Orleans reminder (ticking once a minute) that wakes it after a deactivation or a restart.
/// </summary>
/// <remarks>
/// The grain keeps the deadline in its durable state and, on activation, handles one that came due while it was asleep before serving
/// any call. The timer calls <paramref name="fire"/>, which must go through the grain's own reference so that it runs as a grain turn.
/// </remarks>
/// <param name="grain">The grain.</param>
/// <param name="timeProvider">The node's clock.</param>
/// <param name="reminderName">The reminder's name.</param>
/// <param name="fire">Fires the deadline through the grain's reference.</param>
internal sealed class GrainDeadline(Grain grain, TimeProvider timeProvider, string reminderName, Func<Task> fire) : IDisposable
{
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private DateTimeOffset? _due;

    /// <summary>Gets the longest a timer of a <see cref="TimeProvider"/> can be armed for (about 49.7 days); a later deadline is reached in hops of it.</summary>
    internal static TimeSpan MaxTimerDelay { get; } = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>Arms the in-memory timer for a deadline (at once when it is due), or disarms it.</summary>
    /// <param name="due">The deadline, or <see langword="null"/> for none.</param>
    public void Arm(DateTimeOffset? due)
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            _due = due;
            if (due is { } at)
            {
                _timer = timeProvider.CreateTimer(static state => ((GrainDeadline)state!).OnTimer(), this, DelayUntil(at), Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Arms the timer and registers, or removes, the reminder that backs it; call after the new deadline is durable.</summary>
    /// <param name="due">The deadline, or <see langword="null"/> for none.</param>
    /// <param name="hadDeadline">Whether a deadline (and so a reminder) was set before.</param>
    /// <returns>A task that completes when the reminder is registered or removed.</returns>
    public async Task ScheduleAsync(DateTimeOffset? due, bool hadDeadline)
    {
        Arm(due);
        if (due is { } at)
        {
            var dueIn = at - timeProvider.GetUtcNow();
            await grain.RegisterOrUpdateReminder(reminderName, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, ReminderPeriod);
        }
        else if (hadDeadline)
        {
            await ForgetAsync();
        }
    }

    /// <summary>Arms the timer, and registers the reminder that backs it only when the grain has none: for a deadline found on activation.</summary>
    /// <remarks>A reminder already registered (at the deadline, by the change that set it) is left as it is, so activating costs a read, not a write.</remarks>
    /// <param name="due">The deadline.</param>
    /// <returns>A task that completes when the reminder is known to be registered.</returns>
    public async Task EnsureScheduledAsync(DateTimeOffset due)
    {
        Arm(due);
        if (await grain.GetReminder(reminderName) is null)
        {
            var dueIn = due - timeProvider.GetUtcNow();
            await grain.RegisterOrUpdateReminder(reminderName, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, ReminderPeriod);
        }
    }

    /// <summary>Removes the reminder, if there is one.</summary>
    /// <returns>A task that completes when it is removed.</returns>
    public async Task ForgetAsync()
    {
        if (await grain.GetReminder(reminderName) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            _due = null;
        }
    }

    /// <summary>Fires a deadline that is due; one still beyond what a timer reaches is armed again for the next hop.</summary>
    private void OnTimer()
    {
        lock (_lock)
        {
            if (_due is not { } at)
            {
                return;
            }

            if (at > timeProvider.GetUtcNow())
            {
                _timer?.Change(DelayUntil(at), Timeout.InfiniteTimeSpan);
                return;
            }
        }

        _ = fire();
    }

    private TimeSpan DelayUntil(DateTimeOffset at)
    {
        var delay = at - timeProvider.GetUtcNow();
        return delay <= TimeSpan.Zero ? TimeSpan.Zero : delay < MaxTimerDelay ? delay : MaxTimerDelay;
    }
}
