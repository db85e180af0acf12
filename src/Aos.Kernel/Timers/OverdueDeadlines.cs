using Aos.Kernel.Approvals;
using Aos.Kernel.StateMachines;
using Aos.Kernel.Workflows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aos.Kernel.Timers;

/// <summary>
/// When the silo starts, fires at once the state machine timeouts and approval deadlines that came due while the node was down,
/// instead of leaving them to the next reminder tick (up to a minute later).
/// </summary>
/// <remarks>
/// The reminder that backs a deadline (<see cref="GrainDeadline"/>) is registered to start at the deadline itself, so the reminder table
/// is an index of deadlines: the ones whose start has passed are overdue. Touching their grain fires them on activation; a grain
/// touched twice (by this scan and by its reminder) finds nothing due the second time.
/// </remarks>
internal sealed partial class OverdueDeadlines(
    IGrainFactory grains,
    TimeProvider timeProvider,
    ILogger<OverdueDeadlines> logger,
    IOptions<WorkflowOptions> workflowOptions,
    IReminderTable? reminders = null) : ILifecycleParticipant<ISiloLifecycle>
{
    private Task _scan = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(OverdueDeadlines), ServiceLifecycleStage.Active, StartAsync, _ => _scan);

    /// <summary>Picks the overdue deadlines from reminder entries.</summary>
    /// <param name="entries">The reminder table's entries.</param>
    /// <param name="now">The time.</param>
    /// <param name="resumeWindow">How far ahead a workflow run's reminder may be and still be touched: a run whose step was executing in the
    /// node that stopped has its reminder at most that far ahead, and resumes at once instead of then.</param>
    /// <returns>The grains whose deadline has passed, with the reminder's name (which says what kind of grain it is).</returns>
    internal static IReadOnlyList<(GrainId Grain, string Reminder)> Overdue(IEnumerable<ReminderEntry> entries, DateTimeOffset now, TimeSpan resumeWindow = default) =>
        [.. entries
            .Where(e => e.ReminderName is StateMachineGrain.ReminderName or ApprovalGrain.ReminderName && e.StartAt <= now.UtcDateTime
                || e.ReminderName == WorkflowRunGrain.ReminderName && e.StartAt <= (now + resumeWindow).UtcDateTime)
            .Select(e => (e.GrainId, e.ReminderName))];

    private Task StartAsync(CancellationToken cancellationToken)
    {
        if (reminders is not null)
        {
            // In the background: the node serves while overdue deadlines fire.
            _scan = Task.Run(ScanAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    private async Task ScanAsync()
    {
        try
        {
            // (0, 0] wraps around the whole ring: every reminder.
            var table = await reminders!.ReadRows(0, 0);
            var overdue = Overdue(table.Reminders, timeProvider.GetUtcNow(), workflowOptions.Value.ResumeDelay);
            foreach (var (grain, reminder) in overdue)
            {
                await (reminder switch
                {
                    StateMachineGrain.ReminderName => grains.GetGrain<IStateMachineGrain>(grain).FireDueTimeoutAsync(),
                    WorkflowRunGrain.ReminderName => grains.GetGrain<IWorkflowRunGrain>(grain).TickAsync(),
                    _ => grains.GetGrain<IApprovalGrain>(grain).ApplyDeadlineAsync(),
                });
            }

            if (overdue.Count > 0)
            {
                Log.Fired(logger, overdue.Count);
            }
        }
        catch (Exception ex)
        {
            // The reminders still fire them, within a minute.
            Log.ScanFailed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Fired {Count} deadline(s) that came due while the node was down")]
        public static partial void Fired(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Warning, "Could not look for deadlines that came due while the node was down; their reminders fire them within a minute")]
        public static partial void ScanFailed(ILogger logger, Exception exception);
    }
}
