using Aos.Conformance;
using Orleans.Runtime;

namespace Aos.Storage.Tests;

/// <summary>Counts in persistent state and registers a reminder, to drive grain storage and reminders through a real silo.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();

    Task<int> GetAsync();

    Task RegisterReminderAsync(string name);
}

/// <summary>Implements <see cref="ICounterGrain"/> with the silo's default grain storage.</summary>
public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> counter) : Grain, ICounterGrain, IRemindable
{
    public async Task<int> IncrementAsync()
    {
        counter.State = counter.State with { Count = counter.State.Count + 1 };
        await counter.WriteStateAsync();
        return counter.State.Count;
    }

    public Task<int> GetAsync() => Task.FromResult(counter.State.Count);

    public Task RegisterReminderAsync(string name) => this.RegisterOrUpdateReminder(name, TimeSpan.FromHours(1), TimeSpan.FromHours(1));

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
