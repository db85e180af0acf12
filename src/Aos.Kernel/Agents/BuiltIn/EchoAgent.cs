using Aos.Agents;
using Aos.Messaging;

namespace Aos.Kernel.Agents.BuiltIn;

/// <summary>Answers every request with <c>{"type":"echo","payload":&lt;the request payload&gt;}</c>; records events.</summary>
[AgentType("echo", Description = "Answers every request with {\"type\":\"echo\",\"payload\":<the request payload>} and records every event.")]
internal sealed class EchoAgent : Agent
{
    protected override ValueTask<AgentReply> OnUnhandledAsync(Envelope message, bool isRequest, CancellationToken cancellationToken) =>
        ValueTask.FromResult(isRequest ? AgentReply.From(new EchoReply("echo", message.Payload)) : new AgentReply(true, null));

    private sealed record EchoReply(string Type, System.Text.Json.JsonElement? Payload);
}
