using Aos.Kernel.Messaging;
using Aos.Messaging;
using Aos.SystemCalls;
using Aos.Workflows;

namespace Aos.Kernel.Workflows.Kinds;

/// <summary>
/// Publishes a message on a topic: <c>{"topic": "orders.created", "type": "order.created", "payload": {…}, "priority": "high"}</c>.
/// The message id is the attempt's idempotency key, so a publish started again after a crash is a duplicate nobody receives twice.
/// It reaches only subscribers of the run's tenant. The publish is a system call of the run (<see cref="StepSystemCalls"/>); started again
/// after a crash, it passes the pipeline again, so that a subscriber added since gets the payload as policy leaves it.
/// </summary>
internal sealed class PublishStepKind(MessageBus bus, StepSystemCalls calls) : IWorkflowStepKind
{
    public string Kind => "publish";

    public async ValueTask<WorkflowStepOutcome> StartAsync(WorkflowStepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var topic = StepInput.RequiredString(context, "topic", "{\"topic\": \"orders.created\"}");
        var priority = StepInput.Priority(context);
        return await calls.RunAsync(
            context,
            SystemCallNames.MessagePublish,
            SystemCallResources.Topic(topic),
            StepInput.Property(context, "payload") ?? StepInput.DefaultPayload(context),
            priority,
            async (payload, token) =>
            {
                var receipt = await bus.PublishAsync(
                    new Envelope
                    {
                        Id = context.IdempotencyKey,
                        Type = StepInput.OptionalString(context, "type") ?? topic,
                        Topic = topic,
                        Tenant = context.Tenant,
                        Source = "workflow:" + context.RunId,
                        CorrelationId = context.RunId,
                        Priority = priority,
                        Payload = payload,
                    },
                    token);
                return WorkflowStepOutcome.Completed(System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, object>
                {
                    ["messageId"] = receipt.MessageId,
                    ["recipients"] = receipt.Recipients.Count + receipt.Duplicates.Count,
                }));
            },
            cancellationToken);
    }
}
