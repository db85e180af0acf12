using Aos.SystemCalls;
using Aos.Workflows;

namespace Aos.Kernel.Workflows.Kinds;

/// <summary>
/// Runs a child workflow and completes with its result: <c>{"workflow": "billing", "input": {…}, "priority": "high"}</c>. The child's
/// run id is the attempt's idempotency key, so starting it again after a crash finds the same child; the child tells its parent when it ends.
/// The child runs in the parent's tenant, and follows that tenant's definition of the workflow. Starting it is a system call of the run
/// (<c>workflow.start</c>, <see cref="StepSystemCalls"/>).
/// </summary>
internal sealed class ChildWorkflowStepKind(IGrainFactory grains, StepSystemCalls calls) : IWorkflowStepKind
{
    /// <summary>The system call a run makes to start a child run, named as the HTTP route that starts one.</summary>
    public const string StartAction = "workflow.start";

    public string Kind => "workflow";

    public async ValueTask<WorkflowStepOutcome> StartAsync(WorkflowStepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var workflow = StepInput.RequiredString(context, "workflow", "{\"workflow\": \"billing\"}");
        var child = grains.GetGrain<IWorkflowRunGrain>(context.IdempotencyKey);
        if (await child.GetAsync() is not null)
        {
            // Started before (this is a later check, or the node stopped since): the start was a call already made; the child tells
            // this step how it ends.
            return WorkflowStepOutcome.Waiting();
        }

        var priority = StepInput.Priority(context);
        return await calls.RunAsync(
            context,
            StartAction,
            "workflow:" + workflow,
            StepInput.Property(context, "input") ?? StepInput.DefaultPayload(context),
            priority,
            async (input, _) =>
            {
                try
                {
                    await child.StartAsync(new WorkflowStartRequest
                    {
                        Workflow = workflow,
                        Input = (input ?? StepInput.DefaultPayload(context)).GetRawText(),
                        Priority = priority,
                        Tenant = context.Tenant,
                        Parent = new WorkflowStepAddress(context.RunId, context.StepId, context.Attempt, context.Iteration, context.Compensating),
                    });
                }
                catch (WorkflowNotFoundException ex)
                {
                    return WorkflowStepOutcome.Failed(ex.Message, final: true);
                }

                // The child tells this step how it ended, also when it had ended already.
                return WorkflowStepOutcome.Waiting();
            },
            cancellationToken);
    }
}
