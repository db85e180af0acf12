using System.Collections.Concurrent;
using System.Text.Json;
using Aos.Agents;
using Aos.Messaging;

namespace Aos.Kernel.Tests.TestAgents;

/// <summary>
/// Records every message it processes, in order; fails "work" a given number of times per message; sends, publishes, broadcasts
/// and subscribes on command. Used by the message bus tests.
/// </summary>
[AgentType(TypeName)]
internal sealed class BusAgent : Agent<BusState>
{
    public const string TypeName = "test-bus";

    private static readonly ConcurrentDictionary<string, int> Attempts = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Gates = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Entered = new(StringComparer.Ordinal);

    public BusAgent()
    {
        On<Work>("work", (work, _) =>
        {
            var attempt = Attempts.AddOrUpdate(Key(), 1, (_, n) => n + 1);
            if (attempt <= work.Failures)
            {
                throw new InvalidOperationException($"Attempt {attempt} fails on purpose.");
            }

            Record();
            return ValueTask.CompletedTask;
        });
        On<Gate>("wait", async (gate, cancellationToken) =>
        {
            Record();
            EnteredFor(gate.Name).TrySetResult();
            await GateFor(gate.Name).Task.WaitAsync(cancellationToken);
        });
        On<Outgoing>("send", (o, ct) =>
        {
            Record();
            return Context.SendAsync(AgentId.Parse(o.To!), o.Type, new { from = Context.AgentId().Value }, ct);
        });
        On<Outgoing>("publish", (o, ct) =>
        {
            Record();
            return Context.PublishAsync(o.To!, o.Type, null, ct);
        });
        On<Outgoing>("broadcast", (o, ct) =>
        {
            Record();
            return Context.BroadcastAsync(Context.CreateMessage(o.Type), o.To ?? string.Empty, ct);
        });
        On<Outgoing>("subscribe", async (o, ct) =>
        {
            Record();
            await Context.SubscribeAsync(o.To!, ct);
        });
        OnRequest<JsonElement, BusState>("get", (_, _) => ValueTask.FromResult(State));
    }

    /// <summary>Gets a gate that "wait" messages with this name hold on until the test opens it.</summary>
    public static TaskCompletionSource GateFor(string name) => Gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Gets a signal set when a "wait" message with this name has started.</summary>
    public static TaskCompletionSource EnteredFor(string name) => Entered.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Gets how many times "work" was attempted for a message at an agent.</summary>
    public static int AttemptsOf(AgentId agent, string messageId) => Attempts.GetValueOrDefault(agent.Value + "/" + messageId);

    protected override ValueTask<AgentReply> OnUnhandledAsync(Envelope message, bool isRequest, CancellationToken cancellationToken)
    {
        Record();
        return ValueTask.FromResult(new AgentReply(true, null));
    }

    private string Key() => Context.AgentId().Value + "/" + Context.CurrentMessage!.Id;

    private void Record()
    {
        var message = Context.CurrentMessage!;
        State.Received.Add(message.Id);
        State.Types.Add(message.Type);
    }

    private sealed record Work(int Failures);

    private sealed record Gate(string Name);

    private sealed record Outgoing(string? To, string Type);
}

/// <summary>The state of a <see cref="BusAgent"/>: what it processed, in order.</summary>
internal sealed class BusState
{
    public List<string> Received { get; set; } = [];

    public List<string> Types { get; set; } = [];
}
