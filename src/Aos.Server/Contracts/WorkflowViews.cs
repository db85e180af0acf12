using System.Text.Json;
using System.Text.Json.Serialization;
using Aos.Messaging;
using Aos.Workflows;

namespace Aos.Server.Contracts;

/// <summary>The answer to <c>POST /v1/workflows</c>: the workflow registered and its version.</summary>
/// <param name="Name">The workflow's name.</param>
/// <param name="Version">The version: the start of the definition's content hash, as runs show it in <c>definitionVersion</c>.</param>
/// <param name="Steps">How many steps the workflow has.</param>
public sealed record WorkflowRegistrationView(string Name, string Version, int Steps);

/// <summary>A workflow definition over HTTP.</summary>
/// <param name="Name">The workflow's name.</param>
/// <param name="Version">The newest version, as runs show it in <c>definitionVersion</c>.</param>
/// <param name="Definition">The definition, in the shape <c>POST /v1/workflows</c> reads.</param>
public sealed record WorkflowDefinitionView(string Name, string Version, JsonElement Definition);

/// <summary>The body of <c>POST /v1/workflow-runs</c>.</summary>
/// <param name="Workflow">The workflow to run.</param>
/// <param name="Input">The run's input, any JSON value.</param>
/// <param name="Id">The run id; a new one when absent. Starting the same id again answers the run as it stands.</param>
/// <param name="Priority"><c>low</c>, <c>normal</c> (when absent), <c>high</c> or <c>critical</c>.</param>
/// <param name="WaitMs">How long to wait, at most 25,000 ms, for the run to finish before answering; no wait when absent.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record StartWorkflowRunRequest(string? Workflow, JsonElement? Input, string? Id, string? Priority, int? WaitMs);

/// <summary>A workflow run over HTTP: its status and each step's.</summary>
public sealed record WorkflowRunView
{
    /// <summary>Gets the run id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the workflow's name.</summary>
    public required string Workflow { get; init; }

    /// <summary>Gets the tenant the run belongs to.</summary>
    public string Tenant { get; init; } = Aos.Security.AosTenants.Default;

    /// <summary>Gets the status: queued, running, suspended, completed, failed, compensating or cancelled.</summary>
    public required string Status { get; init; }

    /// <summary>Gets whether the run has finished: completed, failed or cancelled.</summary>
    public bool Finished { get; init; }

    /// <summary>Gets the share of steps completed, from 0 to 1.</summary>
    public double Progress { get; init; }

    /// <summary>Gets why the run failed, if it did.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the run's priority.</summary>
    public MessagePriority Priority { get; init; }

    /// <summary>Gets the iteration, from 0, of a run whose workflow continues as new.</summary>
    public int Iteration { get; init; }

    /// <summary>Gets the parent run and step (<c>run/step/attempt</c>) of a child run.</summary>
    public string? Parent { get; init; }

    /// <summary>Gets the version of the definition the run follows.</summary>
    public required string DefinitionVersion { get; init; }

    /// <summary>Gets the steps, in definition order.</summary>
    public required IReadOnlyList<StepRunView> Steps { get; init; }

    /// <summary>Gets the compensations still to run, in the order they run.</summary>
    public required IReadOnlyList<string> PendingCompensations { get; init; }

    /// <summary>Gets when the run started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets when it finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Creates the view of a run.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The view.</returns>
    public static WorkflowRunView From(WorkflowRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new()
        {
            Id = run.Id,
            Workflow = run.Workflow,
            Tenant = run.Tenant,
            Status = run.Status,
            Finished = run.IsFinished,
            Progress = run.Progress,
            Error = run.Error,
            Priority = run.Priority,
            Iteration = run.Iteration,
            Parent = run.Parent,
            DefinitionVersion = run.DefinitionVersion,
            Steps = [.. run.Steps.Select(StepRunView.From)],
            PendingCompensations = run.PendingCompensations,
            StartedAt = run.StartedAt,
            UpdatedAt = run.UpdatedAt,
            FinishedAt = run.FinishedAt,
        };
    }
}

/// <summary>One step of a workflow run over HTTP.</summary>
public sealed record StepRunView
{
    /// <summary>Gets the step id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the status: pending, running, completed, failed, skipped or compensated.</summary>
    public required string Status { get; init; }

    /// <summary>Gets how many attempts were started.</summary>
    public int Attempts { get; init; }

    /// <summary>Gets the step's result, a JSON value, once completed (unless it is kept by reference in <see cref="ResultRef"/>).</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Gets the content hash of a result too large to keep inline.</summary>
    public string? ResultRef { get; init; }

    /// <summary>Gets the last error, or why the step was skipped.</summary>
    public string? Error { get; init; }

    /// <summary>Gets when the next attempt may start, after a failed one.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>Gets when the current attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the runner checks the running attempt again, such as when a timer comes due.</summary>
    public DateTimeOffset? CheckAt { get; init; }

    /// <summary>Creates the view of a step run.</summary>
    /// <param name="step">The step run.</param>
    /// <returns>The view.</returns>
    public static StepRunView From(StepRun step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new()
        {
            Id = step.Id,
            Status = step.Status,
            Attempts = step.Attempts,
            Result = step.Result is null ? null : JsonElement.Parse(step.Result),
            ResultRef = step.ResultRef,
            Error = step.Error,
            RetryAt = step.RetryAt,
            StartedAt = step.StartedAt,
            CheckAt = step.CheckAt,
        };
    }
}

/// <summary>The runs <c>GET /v1/workflow-runs</c> found, newest first.</summary>
/// <param name="Items">The runs.</param>
public sealed record WorkflowRunListResponse(IReadOnlyList<WorkflowRunView> Items);
