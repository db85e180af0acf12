using Aos.Kernel.Timers;

namespace Aos.Kernel.Tests.Timers;

public sealed class OverdueDeadlinesTests
{
    [Fact]
    public void Overdue_PicksTheStateMachineAndApprovalDeadlinesThatHavePassed_AndNothingElse()
    {
        var now = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        ReminderEntry Entry(string grain, string name, TimeSpan fromNow) => new()
        {
            GrainId = GrainId.Create("test", grain),
            ReminderName = name,
            StartAt = (now + fromNow).UtcDateTime,
            Period = TimeSpan.FromMinutes(1),
        };

        var overdue = OverdueDeadlines.Overdue(
            [
                Entry("sm-late", "aos.sm.timeout", -TimeSpan.FromSeconds(5)),
                Entry("sm-due-now", "aos.sm.timeout", TimeSpan.Zero),
                Entry("sm-later", "aos.sm.timeout", TimeSpan.FromSeconds(5)),
                Entry("approval-late", "aos.approval.deadline", -TimeSpan.FromHours(3)),
                Entry("agent-wake", "aos.wake.nudge", -TimeSpan.FromHours(3)),
            ],
            now);

        Assert.Equal(["sm-late", "sm-due-now", "approval-late"], overdue.Select(o => o.Grain.Key.ToString()));
    }
}
