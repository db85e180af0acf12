using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Reliability.Tests;

/// <summary>Builds dependency pipelines on a fake clock, a fake logger and a fixed jitter.</summary>
internal sealed class Pipelines : IDisposable
{
    public Pipelines(Action<ReliabilityOptions>? configure = null, double random = 0.5, params IErrorClassifier[] classifiers)
    {
        var options = new ReliabilityOptions();
        configure?.Invoke(options);
        Options = options;
        Logger = new FakeLogger<DependencyPipelines>();
        Subject = new DependencyPipelines(new OptionsMonitor(options), classifiers, Time, Logger) { Random = () => random };
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    public ReliabilityOptions Options { get; }

    public FakeLogger<DependencyPipelines> Logger { get; }

    public DependencyPipelines Subject { get; }

    /// <summary>Gets the delays of the retries, as logged.</summary>
    public IReadOnlyList<TimeSpan> RetryDelays =>
        [.. Logger.Collector.GetSnapshot().Where(r => r.Id.Id == 1).Select(r => TimeSpan.Parse(r.StructuredState!.Single(s => s.Key == "Delay").Value!, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>Runs a call, moving the fake clock until it completes.</summary>
    public Task<T> RunAsync<T>(string dependency, Func<CancellationToken, ValueTask<T>> call, TimeSpan? step = null) =>
        CompleteAsync(Subject.ExecuteAsync(dependency, call, TestContext.Current.CancellationToken), step);

    /// <summary>Moves the fake clock until a call completes.</summary>
    public async Task<T> CompleteAsync<T>(ValueTask<T> call, TimeSpan? step = null)
    {
        // Bounded by the wall clock, not by a count of steps: on a busy machine the pipeline's continuations can wait for a thread
        // while this loop steps a million times (it failed that way under CI load once).
        var task = call.AsTask();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"The call did not complete within 30 s; the fake clock is at {Time.GetUtcNow():O}.");
            Time.Advance(step ?? TimeSpan.FromMilliseconds(50));
            await Task.Yield();
        }

        return await task;
    }

    /// <summary>
    /// Disposes the pipelines while moving the fake clock: Polly's registry waits, on the pipelines' clock, for executions that are
    /// still finishing, and a test's continuation can run before the pipeline that completed it has counted its execution done.
    /// </summary>
    public void Dispose()
    {
        var disposal = Task.Run(Subject.Dispose);
        while (!disposal.Wait(TimeSpan.FromMilliseconds(10)))
        {
            Time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private sealed class OptionsMonitor(ReliabilityOptions options) : IOptionsMonitor<ReliabilityOptions>
    {
        public ReliabilityOptions CurrentValue => options;

        public ReliabilityOptions Get(string? name) => options;

        public IDisposable? OnChange(Action<ReliabilityOptions, string?> listener) => null;
    }
}
