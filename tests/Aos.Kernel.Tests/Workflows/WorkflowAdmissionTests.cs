using System.Diagnostics;
using Aos.Kernel.Workflows;
using Aos.Messaging;
using Aos.Workflows;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.Tests.Workflows;

/// <summary>The limit on running workflows: runs past it are queued by priority, and a critical run suspends the lowest-priority running one.</summary>
public sealed class WorkflowAdmissionTests(WorkflowAdmissionFixture fixture) : IClassFixture<WorkflowAdmissionFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private WorkflowClient Client => fixture.Silo(0).GetRequiredService<WorkflowClient>();

    [Fact]
    public async Task CriticalRun_AtTheLimit_SuspendsTheLowestPriorityRun_WhichResumesWhenASlotFrees()
    {
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "held",
            Steps = [new WorkflowStep { Id = "hold", Kind = "signal" }, new WorkflowStep { Id = "after", Kind = ScriptedStepKind.Name, DependsOn = ["hold"] }],
        });

        var normal = await Client.StartAsync("held", runId: "normal-" + NewId());
        var low = await Client.StartAsync("held", runId: "low-" + NewId(), priority: MessagePriority.Low);
        var queued = await Client.StartAsync("held", runId: "queued-" + NewId());
        Assert.Equal([WorkflowStatus.Running, WorkflowStatus.Running, WorkflowStatus.Queued], new[] { normal.Status, low.Status, queued.Status });

        var critical = await Client.StartAsync("held", runId: "critical-" + NewId(), priority: MessagePriority.Critical);
        Assert.Equal(WorkflowStatus.Running, critical.Status);
        await WaitForAsync(low.Id, r => r.Status == WorkflowStatus.Suspended);

        // A suspended run still takes what it was waiting for, but starts nothing more.
        await Client.SignalAsync(low.Id, "hold", null);
        var suspended = await WaitForAsync(low.Id, r => r.Steps[0].Status == StepStatus.Completed);
        Assert.Equal((WorkflowStatus.Suspended, StepStatus.Pending), (suspended.Status, suspended.Steps[1].Status));

        // A freed slot goes to the more urgent of the waiting runs, in arrival order among equals.
        await Client.SignalAsync(normal.Id, "hold", null);
        Assert.Equal(WorkflowStatus.Completed, (await Client.WaitAsync(normal.Id, Wait)).Status);
        await WaitForAsync(queued.Id, r => r.Status == WorkflowStatus.Running);
        Assert.Equal(WorkflowStatus.Suspended, (await Client.GetAsync(low.Id)).Status);

        await Client.CancelAsync(critical.Id);
        Assert.Equal(WorkflowStatus.Completed, (await Client.WaitAsync(low.Id, Wait)).Status);

        await Client.CancelAsync(queued.Id);
        var counts = await fixture.Cluster.Client.GetGrain<IWorkflowAdmissionGrain>("runs").GetCountsAsync();
        Assert.Equal((0, 0), counts);
    }

    [Fact]
    public async Task Run_AdmittedUnderTheLimit_RemovesItsReminderOnceFinished()
    {
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "quick",
            Steps = [new WorkflowStep { Id = "now", Kind = "timer", Input = """{"delay": "0s"}""" }],
        });

        var run = await Client.StartAsync("quick", runId: "quick-" + NewId());
        Assert.Equal(WorkflowStatus.Completed, (await Client.WaitAsync(run.Id, Wait)).Status);

        // A call that is not interleaved runs after the turn that finished the run, slot release included.
        await Client.GetAsync(run.Id);
        Assert.Equal(0, await CountRemindersAsync(run.Id));
    }

    private async Task<long> CountRemindersAsync(string runId)
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(fixture.DataDirectory, "aos.db"), Pooling = false, DefaultTimeout = 30 };
        await using var db = new SqliteConnection(connection.ToString());
        await db.OpenAsync(TestContext.Current.CancellationToken);
        await using var count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM reminders WHERE grain_id = $grain;";
        count.Parameters.AddWithValue("$grain", "aos-wf-run/" + runId);
        return (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private async Task<WorkflowRun> WaitForAsync(string run, Func<WorkflowRun, bool> condition)
    {
        // Each look is a grain call that queues behind the run's own turns; 30 s of real time bound the looks, as a step started on the
        // thread pool can be held up on a loaded machine for more looks than any fixed count.
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < TimeSpan.FromSeconds(30);)
        {
            var current = await Client.GetAsync(run);
            if (condition(current))
            {
                return current;
            }

            await Task.Yield();
        }

        throw new TimeoutException($"Run {run} did not reach the expected state.");
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];
}
