using Aos.Workflows;

namespace Aos.Kernel.Workflows.Kinds;

/// <summary>
/// Runs a child workflow and completes with its result: <c>{"workflow": "billing", "input": {…}, "priority": "high"}</c>. The child's
/// run id is the attempt's idempotency key, so starting it again after a crash finds the same child; the child tells its parent when it ends.
/// The child runs in the parent's tenant, and follows that tenant's definition of the workflow.
/// </summary>
internal sealed class ChildWorkflowStepKind(IGrainFactory grains) : IWorkflowStepKind
{
    public string Kind => "workflow";

    public async ValueTask<WorkflowStepOutcome> StartAsync(WorkflowStepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var workflow = StepInput.RequiredString(context, "workflow", "{\"workflow\": \"billing\"}");
        var input = StepInput.Property(context, "input");
        try
        {
            await grains.GetGrain<IWorkflowRunGrain>(context.IdempotencyKey).StartAsync(new WorkflowStartRequest
            {
                Workflow = workflow,
                Input = input?.GetRawText() ?? StepInput.DefaultPayload(context).GetRawText(),
                Priority = StepInput.Priority(context),
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
    }
}
