using System.Text.Json;
using Aos.Messaging;
using Aos.Reliability;
using Aos.SystemCalls;
using Aos.Workflows;
using Microsoft.Extensions.Options;

namespace Aos.Kernel.Workflows.Kinds;

/// <summary>
/// Runs what a step does beyond its run (a message sent or published, a child run started) as a system call of the run: audited, decided
/// by policy (deny, redact, require-approval) and shed under load, as an agent's calls and an HTTP caller's are.
/// </summary>
/// <remarks>
/// The actor is <c>workflow:{workflow}/{run}</c> and the call's id the step's (<see cref="CallIdOf"/>). A denial fails the step for good. A call
/// held for approval leaves the step waiting; it asks again every <see cref="WorkflowOptions.HoldCheckInterval"/> with the same id, so that
/// one approval decides every ask. A call shed under load leaves it waiting until the refusal's retry-after. A redaction changes the
/// payload the step sends.
/// </remarks>
internal sealed class StepSystemCalls(ISystemCallInvoker invoker, IOptions<WorkflowOptions> options, TimeProvider timeProvider)
{
    /// <summary>Gets the actor a run's calls are made by.</summary>
    /// <param name="context">The step's context.</param>
    /// <returns><c>workflow:{workflow}/{run}</c>.</returns>
    public static string ActorOf(WorkflowStepContext context) => $"workflow:{context.Workflow}/{context.RunId}";

    /// <summary>Gets the id of a step's call: the same for every attempt of the step (and iteration, and compensation), so that a held call is
    /// decided by one approval however many attempts ask for it.</summary>
    /// <param name="context">The step's context.</param>
    /// <returns><c>{run}.{step}</c>, plus <c>.i{n}</c> after the first iteration and <c>.undo</c> for a compensation.</returns>
    public static string CallIdOf(WorkflowStepContext context) =>
        $"{context.RunId}.{context.StepId}{(context.Iteration > 0 ? $".i{context.Iteration}" : string.Empty)}{(context.Compensating ? ".undo" : string.Empty)}";

    /// <summary>Passes a step's call through the pipeline and, when it is let through, makes it.</summary>
    /// <param name="context">The step's context.</param>
    /// <param name="action">The call, such as <see cref="SystemCallNames.MessagePublish"/>.</param>
    /// <param name="resource">What it is made to, such as <c>topic:orders.created</c>.</param>
    /// <param name="payload">The data it carries, which policy may read and redact.</param>
    /// <param name="priority">How urgent it is.</param>
    /// <param name="effect">Makes the call with the payload as the pipeline left it.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The effect's outcome; failed for good when a policy denies the call; waiting when one holds it for approval or the node sheds it.</returns>
    public async ValueTask<WorkflowStepOutcome> RunAsync(
        WorkflowStepContext context,
        string action,
        string resource,
        JsonElement? payload,
        MessagePriority priority,
        Func<JsonElement?, CancellationToken, ValueTask<WorkflowStepOutcome>> effect,
        CancellationToken cancellationToken)
    {
        var call = new SystemCall
        {
            Action = action,
            Resource = resource,
            Tenant = context.Tenant,
            Actor = ActorOf(context),
            Payload = payload,
            Priority = priority,
            Id = CallIdOf(context),
        };
        try
        {
            return await invoker.InvokeAsync(call, (c, token) => effect(c.Payload, token), cancellationToken);
        }
        catch (SystemCallDeniedException ex)
        {
            return WorkflowStepOutcome.Failed(ex.Message, final: true);
        }
        catch (SystemCallHeldException)
        {
            return WorkflowStepOutcome.Waiting(timeProvider.GetUtcNow() + options.Value.HoldCheckInterval);
        }
        catch (OverloadedException ex)
        {
            // Shed under load, nothing done: the step tries again when the node said to, without spending one of its attempts.
            return WorkflowStepOutcome.Waiting(timeProvider.GetUtcNow() + ex.RetryAfter);
        }
    }
}
