using System.Text.Json;
using Aos.Kernel.Messaging;
using Aos.Kernel.Registry;
using Aos.Messaging;
using Aos.SystemCalls;
using Aos.Workflows;

namespace Aos.Kernel.Workflows.Kinds;

/// <summary>
/// Sends a request to an agent through the message bus and completes with its reply:
/// <c>{"agent": "finance-1", "type": "budget.review", "payload": {…}, "priority": "high"}</c>.
/// </summary>
/// <remarks>
/// The message id is the attempt's idempotency key: sent again after a crash, it is a duplicate the agent does not process twice. The
/// agent's reply leaves in the same transaction as its turn (the transactional outbox) and comes back to the step, so neither the request
/// nor the reply is lost. A request that the bus dead-letters (retries spent, expired, no such agent) fails the attempt with the reason.
/// The request is sent in the run's tenant: an agent of another tenant is no agent at all to the step. The send is a system call of the run
/// (<see cref="StepSystemCalls"/>).
/// </remarks>
internal sealed class AgentRequestStepKind(MessageBus bus, AgentRegistry registry, StepSystemCalls calls) : IWorkflowStepKind
{
    public string Kind => "agent-request";

    public async ValueTask<WorkflowStepOutcome> StartAsync(WorkflowStepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var agent = StepInput.RequiredString(context, "agent", "{\"agent\": \"finance-1\", \"type\": \"budget.review\"}");
        if (!AgentId.TryParse(agent, out var target, out var error))
        {
            throw StepInput.Invalid(context, "agent", $"has the agent id '{agent}', which is invalid: {error}");
        }

        try
        {
            await registry.GetAsync(target, context.Tenant, cancellationToken);
        }
        catch (AgentNotFoundException)
        {
            return WorkflowStepOutcome.Failed($"there is no agent '{agent}'; register it, or fix the step's 'agent'.", final: true);
        }

        var records = await bus.GetAsync(context.IdempotencyKey, cancellationToken);
        if (records.FirstOrDefault(r => r.Status == MessageStatus.DeadLettered) is { } dead)
        {
            return WorkflowStepOutcome.Failed($"the request to agent '{agent}' was dead-lettered: {dead.Reason}{(dead.LastError is null ? string.Empty : " (" + dead.LastError + ")")}");
        }

        if (records.Count > 0)
        {
            // Sent before (the node stopped since): the reply comes back through the agent's outbox; look again once it should be in.
            return WorkflowStepOutcome.Waiting(records.Max(r => r.Envelope.ExpiresAt));
        }

        var priority = StepInput.Priority(context);
        try
        {
            return await RequestAsync(context, target, priority, cancellationToken);
        }
        catch (InboxFullException ex)
        {
            // Refused, and audited as failed: the attempt fails, to be tried again as the step's retries say.
            return WorkflowStepOutcome.Failed(ex.Message);
        }
    }

    private ValueTask<WorkflowStepOutcome> RequestAsync(WorkflowStepContext context, AgentId target, MessagePriority priority, CancellationToken cancellationToken) =>
        calls.RunAsync(
            context,
            SystemCallNames.MessageRequest,
            SystemCallResources.Agent(target.Value),
            StepInput.Property(context, "payload") ?? StepInput.DefaultPayload(context),
            priority,
            async (payload, token) =>
            {
                // Prepared here so that its expiry is known without reading the message back after the send.
                var message = bus.Prepare(new Envelope
                {
                    Id = context.IdempotencyKey,
                    Type = StepInput.OptionalString(context, "type") ?? context.StepId,
                    Target = target,
                    Tenant = context.Tenant,
                    Source = "workflow:" + context.RunId,
                    CorrelationId = context.RunId,
                    ReplyTo = WorkflowStepAddress.ReplyPrefix + new WorkflowStepAddress(context.RunId, context.StepId, context.Attempt, context.Iteration, context.Compensating),
                    Priority = priority,
                    Payload = payload,
                }, forWorkflowStep: true);

                await bus.SendPreparedAsync(message, token);
                return WorkflowStepOutcome.Waiting(message.ExpiresAt);
            },
            cancellationToken);
}
