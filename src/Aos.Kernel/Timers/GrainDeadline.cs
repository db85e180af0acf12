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
    private ITimer? _timer;

    /// <summary>Arms the in-memory timer for a deadline (at once when it is due), or disarms it.</summary>
    /// <param name="due">The deadline, or <see langword="null"/> for none.</param>
    public void Arm(DateTimeOffset? due)
    {
        _timer?.Dispose();
        _timer = null;
        if (due is not { } at)
        {
            return;
        }

        var dueIn = at - timeProvider.GetUtcNow();
        _timer = timeProvider.CreateTimer(static state => _ = ((Func<Task>)state!)(), fire, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
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

    /// <summary>Removes the reminder, if there is one.</summary>
    /// <returns>A task that completes when it is removed.</returns>
    public async Task ForgetAsync()
    {
        if (await grain.GetReminder(reminderName) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }

    public void Dispose() => _timer?.Dispose();
}
