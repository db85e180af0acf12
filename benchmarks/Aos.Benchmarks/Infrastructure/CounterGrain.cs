namespace Aos.Benchmarks.Infrastructure;

/// <summary>Counts calls in persistent state: the raw Orleans baseline of an agent event.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Increments the counter and writes the state.</summary>
    Task IncrementAsync();

    /// <summary>Gets the counter.</summary>
    Task<long> GetAsync();
}

/// <summary>Increments a counter and writes it through <see cref="IPersistentState{TState}"/> on each call.</summary>
internal sealed class CounterGrain([PersistentState("counter", BenchHost.MemoryStorage)] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public async Task IncrementAsync()
    {
        state.State.Count++;
        await state.WriteStateAsync();
    }

    public Task<long> GetAsync() => Task.FromResult(state.State.Count);
}
