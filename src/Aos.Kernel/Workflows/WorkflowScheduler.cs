using Aos.Workflows;

namespace Aos.Kernel.Workflows;

/// <summary>
/// Moves a workflow run forward, as pure functions of the definition, the run and the time: which steps may start, what a step's
/// success or failure does, which compensations run, and cancellation.
/// </summary>
/// <remarks>
/// <para>
/// A step may start when every step it depends on has completed; independent steps are ready together and run concurrently. A failed
/// attempt is retried after <see cref="WorkflowStep.RetryDelay"/>, doubled each time, until <see cref="WorkflowStep.MaxAttempts"/>.
/// When a step fails for good, the steps that depend on it are <c>skipped</c> ("skipped: dependency X failed"), no other step starts,
/// and once no step is running the completed steps' compensations run, in the reverse order of completion; then the run is <c>failed</c>.
/// </para>
/// <para>The runner persists the run after every change, before it starts the steps that change made ready.</para>
/// </remarks>
public static class WorkflowScheduler
{
    /// <summary>Starts a run with every step pending.</summary>
    /// <param name="definition">The workflow.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="now">The time.</param>
    /// <returns>The run.</returns>
    public static WorkflowRun Start(WorkflowDefinition definition, string runId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new WorkflowRun
        {
            Id = runId,
            Workflow = definition.Name,
            Steps = [.. definition.Steps.Select(s => new StepRun { Id = s.Id })],
            StartedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Lists the steps that may start now: pending, due, with every dependency completed, in a running run.</summary>
    /// <param name="definition">The workflow.</param>
    /// <param name="run">The run.</param>
    /// <param name="now">The time.</param>
    /// <returns>The step ids, in definition order.</returns>
    public static IReadOnlyList<string> Ready(WorkflowDefinition definition, WorkflowRun run, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(run);
        if (run.Status != WorkflowStatus.Running || run.Error is not null)
        {
            return [];
        }

        var status = run.Steps.ToDictionary(s => s.Id, s => s, StringComparer.Ordinal);
        return [.. definition.Steps
            .Where(s => status[s.Id] is { Status: StepStatus.Pending } step && (step.RetryAt is null || step.RetryAt <= now)
                && s.DependsOn.All(d => status[d].Status == StepStatus.Completed))
            .Select(s => s.Id)];
    }

    /// <summary>Records that an attempt of a step started.</summary>
    public static WorkflowRun Begin(WorkflowRun run, string stepId, DateTimeOffset now) =>
        Update(run, stepId, now, step => step.Status == StepStatus.Pending
            ? step with { Status = StepStatus.Running, Attempts = step.Attempts + 1, RetryAt = null, StartedAt = now, CheckAt = null }
            : throw new InvalidOperationException($"Step '{stepId}' is {step.Status}; only a pending step can start."));

    /// <summary>Records a step's success.</summary>
    /// <param name="definition">The workflow.</param>
    /// <param name="run">The run.</param>
    /// <param name="stepId">The step.</param>
    /// <param name="result">Its result, a JSON value, or <see langword="null"/>.</param>
    /// <param name="now">The time.</param>
    /// <returns>The run; <c>completed</c> when it was the last step.</returns>
    public static WorkflowRun Complete(WorkflowDefinition definition, WorkflowRun run, string stepId, string? result, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (Find(run, stepId).Status != StepStatus.Running)
        {
            return run; // A late result after a cancellation or a timeout that was already counted as a failure.
        }

        var next = Update(run, stepId, now, step => step with { Status = StepStatus.Completed, Result = result, Error = null, CheckAt = null });
        next = next with { CompletionOrder = [.. next.CompletionOrder, stepId] };
        return Settle(definition, next, now);
    }

    /// <summary>Records a failed attempt of a step: retried later, or the step fails for good.</summary>
    /// <param name="definition">The workflow.</param>
    /// <param name="run">The run.</param>
    /// <param name="stepId">The step.</param>
    /// <param name="error">Why the attempt failed.</param>
    /// <param name="now">The time.</param>
    /// <param name="final">Whether the step must not be retried even with attempts left.</param>
    /// <returns>The run.</returns>
    public static WorkflowRun Fail(WorkflowDefinition definition, WorkflowRun run, string stepId, string error, DateTimeOffset now, bool final = false)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var current = Find(run, stepId);
        if (current.Status != StepStatus.Running)
        {
            return run;
        }

        var step = definition.Steps.First(s => s.Id == stepId);
        if (current.Attempts < step.MaxAttempts && !final)
        {
            var delay = step.RetryDelay * Math.Pow(2, current.Attempts - 1);
            return Update(run, stepId, now, s => s with { Status = StepStatus.Pending, Error = error, RetryAt = now + delay, CheckAt = null });
        }

        var failed = Update(run, stepId, now, s => s with { Status = StepStatus.Failed, Error = error, CheckAt = null });
        var dependents = Dependents(definition, stepId);
        failed = failed with
        {
            Error = $"step '{stepId}' failed: {error}",
            Steps = [.. failed.Steps.Select(s => s.Status != StepStatus.Pending ? s
                : s with { Status = StepStatus.Skipped, RetryAt = null, Error = dependents.Contains(s.Id) ? $"skipped: dependency {stepId} failed" : $"skipped: the run failed at step {stepId}" })],
        };
        return Settle(definition, failed, now);
    }

    /// <summary>Records that a compensation ran.</summary>
    /// <param name="definition">The workflow.</param>
    /// <param name="run">The run.</param>
    /// <param name="stepId">The step whose compensation ran.</param>
    /// <param name="error">Why the compensation failed, or <see langword="null"/> when it succeeded.</param>
    /// <param name="now">The time.</param>
    /// <returns>The run; <c>failed</c> once every compensation has run.</returns>
    public static WorkflowRun Compensated(WorkflowDefinition definition, WorkflowRun run, string stepId, string? error, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.PendingCompensations.FirstOrDefault() != stepId)
        {
            throw new InvalidOperationException($"The next compensation of run '{run.Id}' is {run.PendingCompensations.FirstOrDefault() ?? "none"}, not '{stepId}'.");
        }

        var next = Update(run, stepId, now, s => error is null ? s with { Status = StepStatus.Compensated } : s with { Error = "compensation failed: " + error });
        next = next with { PendingCompensations = next.PendingCompensations[1..] };
        return next.PendingCompensations.Length == 0 ? next with { Status = WorkflowStatus.Failed, FinishedAt = now } : next;
    }

    /// <summary>Cancels a run that has not finished (running, queued or suspended): no step starts any more, pending and running ones are skipped, and late results are ignored.</summary>
    /// <param name="run">The run.</param>
    /// <param name="now">The time.</param>
    /// <returns>The cancelled run.</returns>
    /// <exception cref="WorkflowRunRefusedException">The run has finished, or is compensating.</exception>
    public static WorkflowRun Cancel(WorkflowRun run, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Status is not (WorkflowStatus.Running or WorkflowStatus.Queued or WorkflowStatus.Suspended))
        {
            throw new WorkflowRunRefusedException($"Run '{run.Id}' is {run.Status}; only a running, queued or suspended run can be cancelled.");
        }

        return run with
        {
            Status = WorkflowStatus.Cancelled,
            Steps = [.. run.Steps.Select(s => s.Status is StepStatus.Pending or StepStatus.Running ? s with { Status = StepStatus.Skipped, Error = "skipped: cancelled", RetryAt = null, CheckAt = null } : s)],
            UpdatedAt = now,
            FinishedAt = now,
        };
    }

    /// <summary>Starts the next iteration of a completed run whose workflow continues as new: every step pending again, nothing of the last iteration kept but its count.</summary>
    /// <param name="run">The completed run.</param>
    /// <param name="now">The time.</param>
    /// <returns>The run, running its next iteration.</returns>
    public static WorkflowRun NextIteration(WorkflowRun run, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Status != WorkflowStatus.Completed)
        {
            throw new InvalidOperationException($"Run '{run.Id}' is {run.Status}; only a completed iteration continues as new.");
        }

        return run with
        {
            Status = WorkflowStatus.Running,
            Iteration = run.Iteration + 1,
            Steps = [.. run.Steps.Select(s => new StepRun { Id = s.Id })],
            CompletionOrder = [],
            Error = null,
            UpdatedAt = now,
            FinishedAt = null,
        };
    }

    /// <summary>Finishes the run when nothing more can happen: completed, or compensating, or failed.</summary>
    private static WorkflowRun Settle(WorkflowDefinition definition, WorkflowRun run, DateTimeOffset now)
    {
        if (run.Steps.All(s => s.Status == StepStatus.Completed))
        {
            return run with { Status = WorkflowStatus.Completed, UpdatedAt = now, FinishedAt = now };
        }

        if (run.Error is null || run.Steps.Any(s => s.Status == StepStatus.Running))
        {
            return run;
        }

        var compensations = Enumerable.Reverse(run.CompletionOrder).Where(id => definition.Steps.First(s => s.Id == id).Compensation is not null).ToArray();
        return compensations.Length == 0
            ? run with { Status = WorkflowStatus.Failed, UpdatedAt = now, FinishedAt = now }
            : run with { Status = WorkflowStatus.Compensating, PendingCompensations = compensations, UpdatedAt = now };
    }

    private static HashSet<string> Dependents(WorkflowDefinition definition, string stepId)
    {
        var dependents = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([stepId]);
        while (queue.TryDequeue(out var id))
        {
            foreach (var step in definition.Steps.Where(s => s.DependsOn.Contains(id, StringComparer.Ordinal)))
            {
                if (dependents.Add(step.Id))
                {
                    queue.Enqueue(step.Id);
                }
            }
        }

        return dependents;
    }

    private static StepRun Find(WorkflowRun run, string stepId)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Steps.FirstOrDefault(s => s.Id == stepId) ?? throw new ArgumentException($"Run '{run.Id}' has no step '{stepId}'.", nameof(stepId));
    }

    private static WorkflowRun Update(WorkflowRun run, string stepId, DateTimeOffset now, Func<StepRun, StepRun> change)
    {
        Find(run, stepId);
        return run with { Steps = [.. run.Steps.Select(s => s.Id == stepId ? change(s) : s)], UpdatedAt = now };
    }
}
