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

    [Fact]
    public void Overdue_WorkflowRuns_AreTouchedWhenTheirReminderIsDueWithinTheResumeWindow()
    {
        var now = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        ReminderEntry Entry(string key, string name, TimeSpan fromNow) => new()
        {
            GrainId = GrainId.Create("aos-wf-run", key),
            ReminderName = name,
            StartAt = (now + fromNow).UtcDateTime,
            Period = TimeSpan.FromMinutes(1),
        };

        var overdue = OverdueDeadlines.Overdue(
            [
                Entry("timer-late", "aos.wf.run", -TimeSpan.FromMinutes(5)),
                Entry("step-in-flight", "aos.wf.run", TimeSpan.FromSeconds(8)),
                Entry("timer-tomorrow", "aos.wf.run", TimeSpan.FromDays(1)),
            ],
            now,
            resumeWindow: TimeSpan.FromSeconds(10));

        Assert.Equal(["timer-late", "step-in-flight"], overdue.Select(o => o.Grain.Key.ToString()));
    }
}
