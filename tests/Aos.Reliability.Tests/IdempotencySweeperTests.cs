using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Reliability.Tests;

public sealed class IdempotencySweeperTests
{
    [Fact]
    public async Task Sweeper_SweepsEveryInterval_OnTheInjectedClock()
    {
        var time = new FakeTimeProvider();
        var store = new CountingStore();
        using var sweeper = new IdempotencySweeper(store, Options.Create(new ReliabilityOptions()), time, NullLogger<IdempotencySweeper>.Instance);
        await sweeper.StartAsync(TestContext.Current.CancellationToken);

        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, store.Sweeps);
        time.Advance(TimeSpan.FromMinutes(1));
        await store.Swept.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(1, store.Sweeps);
        await sweeper.StopAsync(TestContext.Current.CancellationToken);
    }

    private sealed class CountingStore : IIdempotencyStore
    {
        public int Sweeps;

        public TaskCompletionSource Swept { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> ExecuteOnceAsync<T>(string messageId, string businessKey, Func<CancellationToken, Task<T>> operation, JsonSerializerOptions? serializerOptions = null, CancellationToken cancellationToken = default) =>
            operation(cancellationToken);

        public ValueTask<int> SweepAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Sweeps);
            Swept.TrySetResult();
            return ValueTask.FromResult(0);
        }
    }
}
