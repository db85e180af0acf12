using System.Diagnostics;
using System.Text.Json;
using Aos.Kernel.Workflows;
using Aos.Messaging;
using Aos.Workflows;

namespace Aos.Kernel.Messaging;

/// <summary>Builds the reply to a bus message that named a <see cref="Envelope.ReplyTo"/>: to an agent, or to a workflow step.</summary>
/// <remarks>
/// The reply's id is the request's id plus <c>.reply</c>, so a reply sent twice (a relay retried after a crash) is one message. It
/// correlates to the request and carries the handler's error, if it failed, in the <see cref="ErrorHeader"/> header. It belongs to
/// the request's tenant (an agent only handles requests of its own), so it reaches an agent of that tenant or none.
/// </remarks>
internal static class Replies
{
    /// <summary>The header that carries the address of a reply.</summary>
    public const string ToHeader = "aos.reply-to";

    /// <summary>The header that carries why the request failed.</summary>
    public const string ErrorHeader = "aos.reply-error";

    /// <summary>Builds the reply, or returns <see langword="null"/> when the reply address is neither an agent nor a workflow step.</summary>
    /// <param name="request">The request that named the reply address.</param>
    /// <param name="from">The agent that handled it.</param>
    /// <param name="payload">The handler's reply.</param>
    /// <param name="error">Why the request failed, if it did.</param>
    /// <param name="now">The time of the turn.</param>
    /// <param name="timeToLive">How long the reply lives (<see cref="MessageBusOptions.DefaultTimeToLive"/>).</param>
    public static Envelope? Create(Envelope request, AgentId from, JsonElement? payload, string? error, DateTimeOffset now, TimeSpan timeToLive)
    {
        var address = request.ReplyTo!;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { [ToHeader] = address };
        if (error is not null)
        {
            headers[ErrorHeader] = error;
        }

        // The turn's span is the reply's parent; a reply built after its turn's span ended continues the request's trace instead.
        if (Activity.Current is null && request.Headers.TryGetValue(MessageBus.TraceParentHeader, out var parent))
        {
            headers[MessageBus.TraceParentHeader] = parent;
            if (request.Headers.TryGetValue(MessageBus.TraceStateHeader, out var state))
            {
                headers[MessageBus.TraceStateHeader] = state;
            }
        }

        AgentId? target = null;
        if (!address.StartsWith(WorkflowStepAddress.ReplyPrefix, StringComparison.Ordinal))
        {
            if (!AgentId.TryParse(address, out var agent))
            {
                return null;
            }

            target = agent;
        }

        return MessageBus.WithTraceContext(new Envelope
        {
            Id = request.Id + ".reply",
            Type = request.Type + ".reply",
            Source = from.Value,
            Target = target,
            CorrelationId = request.Id,
            ConversationId = request.ConversationId,
            Priority = request.Priority,
            Timestamp = now,
            ExpiresAt = now + timeToLive,
            Tenant = request.Tenant,
            Headers = headers,
            Payload = payload,
        });
    }

    /// <summary>Checks a reply address a caller gave: an agent's id. Only the workflow engine names a workflow step.</summary>
    /// <param name="replyTo">The address, or <see langword="null"/> for none.</param>
    /// <exception cref="AosValidationException">The address is not an agent's id.</exception>
    public static void ValidateAddress(string? replyTo)
    {
        if (replyTo is null)
        {
            return;
        }

        if (replyTo.StartsWith(WorkflowStepAddress.ReplyPrefix, StringComparison.Ordinal))
        {
            throw new AosValidationException(
                $"'replyTo' is '{replyTo}', a workflow step's address: only the workflow engine sends requests for a step. Give the id of the agent that should get the reply.")
            { Field = "replyTo" };
        }

        if (!AgentId.TryParse(replyTo, out _, out var reason))
        {
            throw new AosValidationException($"'replyTo' must be the id of the agent that should get the reply: {reason}") { Field = "replyTo" };
        }
    }

    /// <summary>Reads the workflow step a reply is for, if it is for one.</summary>
    public static bool TryGetWorkflowStep(Envelope message, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WorkflowStepAddress? step)
    {
        step = null;
        return message.Target is null && message.Headers.TryGetValue(ToHeader, out var address)
            && address.StartsWith(WorkflowStepAddress.ReplyPrefix, StringComparison.Ordinal)
            && WorkflowStepAddress.TryParse(address[WorkflowStepAddress.ReplyPrefix.Length..], out step);
    }

    /// <summary>Maps a reply to the outcome of the workflow step that sent the request.</summary>
    public static WorkflowStepOutcome ToOutcome(Envelope reply) =>
        reply.Headers.TryGetValue(ErrorHeader, out var error)
            ? WorkflowStepOutcome.Failed($"agent '{reply.Source}' failed the request: {error}")
            : WorkflowStepOutcome.Completed(reply.Payload);
}
