using Aos.Kernel.Timers;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Kernel.Tests.Timers;

public sealed class GrainDeadlineTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
    private int _fired;

    [Fact]
    public void Arm_ADeadlineBeyondWhatATimerReaches_FiresItOnItsDay_NotAtAHop()
    {
        using var deadline = NewDeadline();
        var due = _time.GetUtcNow() + TimeSpan.FromDays(120);

        deadline.Arm(due);
        _time.Advance(GrainDeadline.MaxTimerDelay);
        _time.Advance(GrainDeadline.MaxTimerDelay);
        _time.SetUtcNow(due - TimeSpan.FromMilliseconds(1));
        var early = _fired;
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(0, early);
        Assert.Equal(1, _fired);
    }

    [Fact]
    public void Arm_ADeadlineWithinReach_FiresOnce_AndNullDisarmsOneWaitingForItsNextHop()
    {
        using var near = NewDeadline();
        using var far = NewDeadline();

        near.Arm(_time.GetUtcNow() + TimeSpan.FromDays(3));
        far.Arm(_time.GetUtcNow() + TimeSpan.FromDays(200));
        _time.Advance(GrainDeadline.MaxTimerDelay);
        far.Arm(null);
        _time.Advance(TimeSpan.FromDays(200));

        Assert.Equal(1, _fired);
    }

    [Fact]
    public void Arm_ADeadlineAlreadyPassed_FiresAtOnce()
    {
        using var deadline = NewDeadline();

        deadline.Arm(_time.GetUtcNow() - TimeSpan.FromDays(400));
        _time.Advance(TimeSpan.Zero);

        Assert.Equal(1, _fired);
    }

    // Arming and firing never touch the grain: only the reminder that backs the timer does.
    private GrainDeadline NewDeadline() => new(null!, _time, "test.deadline", () =>
    {
        Interlocked.Increment(ref _fired);
        return Task.CompletedTask;
    });
}
