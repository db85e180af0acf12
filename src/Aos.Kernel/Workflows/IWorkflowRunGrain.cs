using Aos.Workflows;
using Orleans.Concurrency;

namespace Aos.Kernel.Workflows;

/// <summary>Hosts one workflow run, keyed by its id: persists each step's result before dependents start, and resumes by itself after a crash.</summary>
[Alias("aos.workflow-run-grain")]
public interface IWorkflowRunGrain : IGrainWithStringKey
{
    /// <summary>Starts the run; starting it again with the same workflow returns it as it stands.</summary>
    [Alias("start")]
    Task<WorkflowRun> StartAsync(WorkflowStartRequest request);

    /// <summary>Gets the run, or <see langword="null"/>.</summary>
    [Alias("get")]
    Task<WorkflowRun?> GetAsync();

    /// <summary>Waits until the run has finished, or the timeout passed, and returns it as it stands then.</summary>
    [Alias("wait"), AlwaysInterleave]
    Task<WorkflowRun?> WaitAsync(TimeSpan timeout);

    /// <summary>Cancels the run.</summary>
    [Alias("cancel")]
    Task<WorkflowRun> CancelAsync();

    /// <summary>Delivers a named signal to a step waiting for it, or keeps it for the step that waits for it next.</summary>
    [Alias("signal")]
    Task<WorkflowRun> SignalAsync(string name, string? payload);

    /// <summary>Records what became of a step's attempt; ignored when the attempt is no longer current.</summary>
    [Alias("complete-step")]
    Task CompleteStepAsync(WorkflowStepAddress attempt, WorkflowStepOutcome outcome);

    /// <summary>Applies what came due: timers, timeouts, retries, checks; called by the run's own timer and reminder.</summary>
    [Alias("tick")]
    Task TickAsync();

    /// <summary>Suspends the run for a more urgent one: it starts no step until resumed.</summary>
    [Alias("suspend")]
    Task SuspendAsync();

    /// <summary>Lets a queued or suspended run go on.</summary>
    [Alias("resume")]
    Task ResumeAsync();
}
