namespace Aos.Workflows;

/// <summary>Runs the steps of one kind in workflow runs: the extension point for step kinds beyond the built-in ones.</summary>
/// <remarks>
/// <para>
/// The runner persists that a step is running before it calls <see cref="StartAsync"/>, and calls it again with the same
/// <see cref="WorkflowStepContext.Attempt"/> after a crash or a deactivation that interrupted the attempt, so an implementation must be
/// idempotent by <see cref="WorkflowStepContext.IdempotencyKey"/>: the second call finds what the first one did and reports it.
/// </para>
/// <para>
/// A step that finishes at once answers <see cref="WorkflowStepOutcome.Completed"/> or <see cref="WorkflowStepOutcome.Failed"/>; one that waits
/// for something outside (a reply, a person, a child run) answers <see cref="WorkflowStepOutcome.Waiting"/> and is finished later through
/// the run's <c>CompleteStepAsync</c>, or when the time it gave comes, by a second call that checks again.
/// </para>
/// </remarks>
public interface IWorkflowStepKind
{
    /// <summary>Gets the kind's name, as steps name it in <see cref="WorkflowStep.Kind"/>.</summary>
    string Kind { get; }

    /// <summary>Starts, or checks again, one attempt of a step.</summary>
    /// <param name="context">The step, its input and its run.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>What became of the attempt.</returns>
    ValueTask<WorkflowStepOutcome> StartAsync(WorkflowStepContext context, CancellationToken cancellationToken = default);
}
