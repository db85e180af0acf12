using System.Collections.Concurrent;
using Aos.Agents;
using Aos.Messaging;

namespace Aos.Kernel.Tests.TestAgents;

/// <summary>Has a <c>hang</c> handler that ignores its token until the test releases it, and a <c>count</c> handler.</summary>
[AgentType(TypeName)]
internal sealed class HangingAgent : Agent
{
    public const string TypeName = "test-hanging";

    private static readonly ConcurrentDictionary<string, Gate> Gates = new(StringComparer.Ordinal);

    public HangingAgent()
    {
        On<Envelope>("hang", async (_, _) =>
        {
            var gate = GateOf(Context.Descriptor.Id);
            Context.Store.Increment("before-hang");
            await gate.Release.Task;
            try
            {
                Context.Store.Increment("after-hang");
                gate.Finished.TrySetResult(null);
            }
            catch (Exception ex)
            {
                gate.Finished.TrySetResult(ex);
                throw;
            }
        });
        On<Envelope>("count", (_, _) =>
        {
            Context.Store.Increment("count");
            return ValueTask.CompletedTask;
        });
    }

    public static Gate GateOf(AgentId id) => Gates.GetOrAdd(id.Value, _ => new Gate());

    internal sealed class Gate
    {
        /// <summary>Gets the signal that lets a hung handler go on.</summary>
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Gets what happened when the released handler touched the context: null when it could, else the error.</summary>
        public TaskCompletionSource<Exception?> Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
