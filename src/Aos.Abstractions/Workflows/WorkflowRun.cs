using Aos.Messaging;

namespace Aos.Workflows;

/// <summary>Where one run of a workflow stands: its status and each step's.</summary>
[GenerateSerializer, Immutable, Alias("aos.workflow-run")]
public sealed record WorkflowRun
{
    /// <summary>Gets the run id.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>Gets the workflow's name.</summary>
    [Id(1)] public required string Workflow { get; init; }

    /// <summary>Gets the status: <c>queued</c>, <c>running</c>, <c>suspended</c>, <c>completed</c>, <c>failed</c>, <c>compensating</c> or <c>cancelled</c>.</summary>
    [Id(2)] public string Status { get; init; } = WorkflowStatus.Running;

    /// <summary>Gets the steps, in definition order.</summary>
    [Id(3)] public required StepRun[] Steps { get; init; }

    /// <summary>Gets why the run failed, if it did.</summary>
    [Id(4)] public string? Error { get; init; }

    /// <summary>Gets the compensations still to run, in the order they run (the reverse of completion).</summary>
    [Id(5)] public string[] PendingCompensations { get; init; } = [];

    /// <summary>Gets when the run started.</summary>
    [Id(6)] public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when it last changed.</summary>
    [Id(7)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets how many steps completed, and in what order.</summary>
    [Id(8)] public string[] CompletionOrder { get; init; } = [];

    /// <summary>Gets the run's priority: when the limit on running workflows is reached, a critical run suspends the lowest-priority running one.</summary>
    [Id(9)] public MessagePriority Priority { get; init; } = MessagePriority.Normal;

    /// <summary>Gets the iteration, from 0, of a run whose workflow continues as new.</summary>
    [Id(10)] public int Iteration { get; init; }

    /// <summary>Gets the parent run and step (<c>&lt;run&gt;/&lt;step&gt;/&lt;attempt&gt;</c>) of a child run, if any.</summary>
    [Id(11)] public string? Parent { get; init; }

    /// <summary>Gets the version of the definition the run follows: the start of its content hash.</summary>
    [Id(12)] public string DefinitionVersion { get; init; } = string.Empty;

    /// <summary>Gets when the run finished, if it did.</summary>
    [Id(13)] public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets the tenant the run belongs to: it runs the tenant's definition, reaches only the tenant's agents, and only the tenant sees it.</summary>
    /// <value>The default is <see cref="Security.AosTenants.Default"/>.</value>
    [Id(14)] public string Tenant { get; init; } = Security.AosTenants.Default;

    /// <summary>Gets whether the run has finished: completed, failed or cancelled.</summary>
    public bool IsFinished => Status is WorkflowStatus.Completed or WorkflowStatus.Failed or WorkflowStatus.Cancelled;

    /// <summary>Gets the progress: completed steps / steps.</summary>
    public double Progress => Steps.Length == 0 ? 0 : (double)Steps.Count(s => s.Status == StepStatus.Completed) / Steps.Length;
}

/// <summary>One step of a run.</summary>
[GenerateSerializer, Immutable, Alias("aos.workflow-step-run")]
public sealed record StepRun
{
    /// <summary>Gets the step id.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>Gets the status: <c>pending</c>, <c>running</c>, <c>completed</c>, <c>failed</c>, <c>skipped</c> or <c>compensated</c>.</summary>
    [Id(1)] public string Status { get; init; } = StepStatus.Pending;

    /// <summary>Gets how many attempts were started.</summary>
    [Id(2)] public int Attempts { get; init; }

    /// <summary>Gets the result of the step, a JSON value, once completed.</summary>
    [Id(3)] public string? Result { get; init; }

    /// <summary>Gets the last error, or why the step was skipped.</summary>
    [Id(4)] public string? Error { get; init; }

    /// <summary>Gets when the next attempt may start, after a failed one.</summary>
    [Id(5)] public DateTimeOffset? RetryAt { get; init; }

    /// <summary>Gets when the current attempt started.</summary>
    [Id(6)] public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the runner checks the running attempt again (a timer coming due, a reply that may have been lost).</summary>
    [Id(7)] public DateTimeOffset? CheckAt { get; init; }

    /// <summary>Gets the content hash (<c>sha256:…</c>) of a result too large to keep inline; the result itself is stored once under it.</summary>
    [Id(8)] public string? ResultRef { get; init; }
}

/// <summary>The statuses of a <see cref="WorkflowRun"/>.</summary>
public static class WorkflowStatus
{
    /// <summary>Waiting for a free slot under the limit on running workflows.</summary>
    public const string Queued = "queued";

    /// <summary>Steps are running or waiting.</summary>
    public const string Running = "running";

    /// <summary>Gave its slot to a more urgent run: starts no step until it is resumed.</summary>
    public const string Suspended = "suspended";

    /// <summary>Every step completed.</summary>
    public const string Completed = "completed";

    /// <summary>A step failed; its compensations (if any) have run.</summary>
    public const string Failed = "failed";

    /// <summary>A step failed and completed steps are being undone.</summary>
    public const string Compensating = "compensating";

    /// <summary>Cancelled while running.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>The statuses of a <see cref="StepRun"/>.</summary>
public static class StepStatus
{
    /// <summary>Waiting for its dependencies, or for a retry.</summary>
    public const string Pending = "pending";

    /// <summary>An attempt is in progress.</summary>
    public const string Running = "running";

    /// <summary>Done; its result is kept.</summary>
    public const string Completed = "completed";

    /// <summary>Every attempt failed.</summary>
    public const string Failed = "failed";

    /// <summary>Not run because a step it depends on failed (or the run was cancelled).</summary>
    public const string Skipped = "skipped";

    /// <summary>Completed, then undone by its compensation.</summary>
    public const string Compensated = "compensated";
}
