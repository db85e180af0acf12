using System.Text.Json;
using Aos.Kernel.Workflows;
using Aos.Messaging;
using Aos.Workflows;

namespace Aos.Kernel.Messaging;

/// <summary>Builds the reply to a bus message that named a <see cref="Envelope.ReplyTo"/>: to an agent, or to a workflow step.</summary>
/// <remarks>
/// The reply's id is the request's id plus <c>.reply</c>, so a reply sent twice (a relay retried after a crash) is one message. It
/// correlates to the request and carries the handler's error, if it failed, in the <see cref="ErrorHeader"/> header.
/// </remarks>
internal static class Replies
{
    /// <summary>The header that carries the address of a reply.</summary>
    public const string ToHeader = "aos.reply-to";

    /// <summary>The header that carries why the request failed.</summary>
    public const string ErrorHeader = "aos.reply-error";

    /// <summary>Builds the reply, or returns <see langword="null"/> when the reply address is neither an agent nor a workflow step.</summary>
    public static Envelope? Create(Envelope request, AgentId from, JsonElement? payload, string? error, DateTimeOffset now)
    {
        var address = request.ReplyTo!;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { [ToHeader] = address };
        if (error is not null)
        {
            headers[ErrorHeader] = error;
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

        return new Envelope
        {
            Id = request.Id + ".reply",
            Type = request.Type + ".reply",
            Source = from.Value,
            Target = target,
            CorrelationId = request.Id,
            ConversationId = request.ConversationId,
            Priority = request.Priority,
            Timestamp = now,
            Headers = headers,
            Payload = payload,
        };
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
