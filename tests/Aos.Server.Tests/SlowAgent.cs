using System.Collections.Concurrent;
using System.Text.Json;
using Aos.Agents;

namespace Aos.Server.Tests;

/// <summary>Answers <c>wait</c> only when the test opens its gate, and <c>ping</c> at once.</summary>
[AgentType("slow", Description = "A test agent whose 'wait' requests block until the test releases them.")]
internal sealed class SlowAgent : Agent
{
    public SlowAgent(SlowGates gates)
    {
        OnRequest<JsonElement, string>("wait", async (_, cancellationToken) =>
        {
            gates.Entered(Context.Descriptor.Id.Value).TrySetResult();
            await gates.For(Context.Descriptor.Id.Value).Task.WaitAsync(cancellationToken);
            return "released";
        });
        OnRequest<JsonElement, string>("ping", (_, _) => ValueTask.FromResult("pong"));
    }
}

/// <summary>Holds one gate per slow agent; a test opens its agent's gate, and can wait until the agent is held at it.</summary>
internal sealed class SlowGates
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _entered = new(StringComparer.Ordinal);

    public TaskCompletionSource For(string agentId) =>
        _gates.GetOrAdd(agentId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Completes once the agent's <c>wait</c> request is in its turn, so the agent is busy until its gate opens.</summary>
    public TaskCompletionSource Entered(string agentId) =>
        _entered.GetOrAdd(agentId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
