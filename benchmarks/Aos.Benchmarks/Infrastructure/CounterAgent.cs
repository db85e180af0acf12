using Aos.Agents;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>Counts the events it receives: the smallest agent with durable state of its own.</summary>
[AgentType(TypeName, Description = "Counts events; used by the benchmarks.")]
internal sealed class CounterAgent : Agent<CounterState>
{
    public const string TypeName = "bench-counter";
    public const string Increment = "inc";
    public const string Get = "get";

    public CounterAgent()
    {
        On<object?>(Increment, (_, _) =>
        {
            State.Count++;
            return ValueTask.CompletedTask;
        });
        OnRequest<object?, long>(Get, (_, _) => ValueTask.FromResult(State.Count));
    }
}

/// <summary>Holds a counter.</summary>
[GenerateSerializer]
public sealed class CounterState
{
    /// <summary>Gets or sets the count.</summary>
    [Id(0)] public long Count { get; set; }
}
