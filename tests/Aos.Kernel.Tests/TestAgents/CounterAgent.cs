using System.Collections.Concurrent;
using System.Text.Json;
using Aos.Agents;
using Aos.Messaging;

namespace Aos.Kernel.Tests.TestAgents;

/// <summary>
/// Counts events in its typed state and in a context counter; has a handler that fails once, one that always fails,
/// and one that schedules a wake-up it signals to the test.
/// </summary>
[AgentType(TypeName, Description = "Counts events; used by the kernel tests.")]
internal sealed class CounterAgent : Agent<CounterState>
{
    public const string TypeName = "test-counter";

    private static readonly ConcurrentDictionary<string, int> FlakyAttempts = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<string>> WakeUpSignals = new(StringComparer.Ordinal);

    public CounterAgent()
    {
        On<Envelope>("count", (message, _) =>
        {
            Count(message);
            return ValueTask.CompletedTask;
        });
        On<Envelope>("flaky", (message, _) =>
        {
            Count(message);
            if (FlakyAttempts.AddOrUpdate(message.Id, 1, (_, attempts) => attempts + 1) == 1)
            {
                throw new InvalidOperationException("The first attempt of a flaky event fails.");
            }

            return ValueTask.CompletedTask;
        });
        On<Envelope>("fail", (message, _) =>
        {
            Count(message);
            throw new InvalidOperationException("This handler always fails.");
        });
        On<ScheduleWakeUp>("schedule", (command, cancellationToken) =>
            Context.ScheduleWakeUpAsync(command.Name, TimeSpan.FromMilliseconds(command.DueMs), null, cancellationToken));
        On<ScheduleWakeUp>("schedule-then-fail", async (command, cancellationToken) =>
        {
            await Context.ScheduleWakeUpAsync(command.Name, TimeSpan.FromMilliseconds(command.DueMs), null, cancellationToken);
            throw new InvalidOperationException("This handler fails after scheduling a wake-up.");
        });
        OnRequest<JsonElement, CounterState>("get", (_, _) => ValueTask.FromResult(State));
    }

    /// <summary>Gets a task that completes with the wake-up's name when the agent's <c>OnWakeUpAsync</c> runs.</summary>
    public static Task<string> WakeUpSignal(AgentId id) => WakeUpSignals.GetOrAdd(id.Value, NewSignal).Task;

    protected override ValueTask OnWakeUpAsync(string name, CancellationToken cancellationToken)
    {
        State.WakeUps.Add(name);
        WakeUpSignals.GetOrAdd(Context.Descriptor.Id.Value, NewSignal).TrySetResult(name);
        return ValueTask.CompletedTask;
    }

    private static TaskCompletionSource<string> NewSignal(string _) => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Count(Envelope message)
    {
        State.Count++;
        State.Sources.Add(message.Source ?? string.Empty);
        Context.Store.Increment("count");
    }

    private sealed record ScheduleWakeUp(string Name, long DueMs);
}
