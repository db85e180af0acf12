using Aos.Kernel.Agents;
using Aos.Kernel.Tests.Support;

namespace Aos.Kernel.Tests.Agents;

public sealed class TurnRunnerTests : IDisposable
{
    private static readonly TimeSpan TurnTimeout = TimeSpan.FromHours(1);
    private static readonly TimeSpan RetryBaseDelay = TimeSpan.FromSeconds(1);

    private readonly TimerObservingTimeProvider _time = new();
    private readonly TurnRunner _runner;

    // Guards against a hang if a regression leaves a test waiting for a timer that is never armed; never reached when green.
    private readonly CancellationTokenSource _guard = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

    public TurnRunnerTests()
    {
        _runner = new TurnRunner(new KernelOptions { MaxAttempts = 3, RetryBaseDelay = RetryBaseDelay, TurnTimeout = TurnTimeout }, _time);
        _guard.CancelAfter(TimeSpan.FromSeconds(30));
    }

    private CancellationToken Cancellation => _guard.Token;

    public void Dispose() => _guard.Dispose();

    [Fact]
    public async Task RunAsync_HandlerThrowsTwiceThenSucceeds_RetriesAfterEachBackoffDelay()
    {
        var attempts = 0;
        var failed = new List<int>();
        var run = _runner.RunAsync(
            (attempt, _) =>
            {
                attempts = attempt;
                return attempt < 3 ? Task.FromException<int>(new InvalidOperationException($"boom {attempt}")) : Task.FromResult(42);
            },
            (attempt, _) => failed.Add(attempt),
            CancellationToken.None);

        var firstDelay = await NextRetryDelayAsync();
        Assert.False(run.IsCompleted);
        Assert.Equal(1, attempts);
        Assert.True(firstDelay.DueTime > TimeSpan.Zero);

        _time.Advance(firstDelay.DueTime);
        var secondDelay = await NextRetryDelayAsync();
        Assert.False(run.IsCompleted);
        Assert.Equal(2, attempts);

        _time.Advance(secondDelay.DueTime);
        var outcome = await run.WaitAsync(Cancellation);

        Assert.True(outcome.Succeeded);
        Assert.Equal(42, outcome.Result);
        Assert.Equal(3, outcome.Attempts);
        Assert.Equal([1, 2], failed);
    }

    [Fact]
    public async Task RunAsync_HandlerAlwaysThrows_FailsAfterMaxAttempts()
    {
        var run = _runner.RunAsync<int>(
            (attempt, _) => throw new InvalidOperationException($"boom {attempt}"),
            null,
            CancellationToken.None);

        var outcome = await ReleaseRetryDelaysAsync(run);

        Assert.False(outcome.Succeeded);
        Assert.Equal(3, outcome.Attempts);
        var error = Assert.IsType<InvalidOperationException>(outcome.Error);
        Assert.Equal("boom 3", error.Message);
    }

    [Fact]
    public async Task RunAsync_MaxAttemptsIsOne_DoesNotRetry()
    {
        var runner = new TurnRunner(new KernelOptions { MaxAttempts = 1, TurnTimeout = TurnTimeout }, _time);

        var outcome = await runner.RunAsync<int>((_, _) => throw new InvalidOperationException("boom"), null, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(1, outcome.Attempts);
    }

    [Fact]
    public async Task RunAsync_HandlerRefusesInput_IsNotRetried()
    {
        var failed = new List<int>();

        var outcome = await _runner.RunAsync<int>(
            (_, _) => throw new AosValidationException("bad input"),
            (attempt, _) => failed.Add(attempt),
            CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(1, outcome.Attempts);
        Assert.IsType<AosValidationException>(outcome.Error);
        Assert.Equal([1], failed);
    }

    [Fact]
    public async Task RunAsync_HandlerHangsIgnoringToken_IsCutAtTurnTimeoutAndNotRetried()
    {
        var never = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var armedBeforeHandler = 0;
        var attempts = 0;
        var handlerToken = CancellationToken.None;
        Exception? observed = null;
        var run = _runner.RunAsync(
            async (attempt, cancellationToken) =>
            {
                attempts = attempt;
                handlerToken = cancellationToken;
                armedBeforeHandler = _time.ArmedCount;
                return await never.Task;
            },
            (_, exception) => observed = exception,
            CancellationToken.None);

        // The timeout that cuts the handler is armed once the handler has returned its pending task.
        var cut = await _time.WaitForTimerAsync(t => t.DueTime == TurnTimeout && t.Sequence > armedBeforeHandler, Cancellation);
        _time.Advance(cut.DueTime - TimeSpan.FromTicks(1));
        Assert.False(run.IsCompleted);

        _time.Advance(TimeSpan.FromTicks(1));
        var outcome = await run.WaitAsync(Cancellation);

        Assert.False(outcome.Succeeded);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(1, attempts);
        var error = Assert.IsType<TurnTimeoutException>(outcome.Error);
        Assert.Contains("Aos:Kernel:TurnTimeout", error.Message, StringComparison.Ordinal);
        Assert.Same(error, observed);
        Assert.True(handlerToken.IsCancellationRequested);
    }

    [Fact]
    public async Task RunAsync_CallerCancels_ThrowsInsteadOfReportingFailure()
    {
        using var cancellation = new CancellationTokenSource();
        var run = _runner.RunAsync<int>(
            async (_, cancellationToken) =>
            {
                await cancellation.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
                return 0;
            },
            null,
            cancellation.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    private Task<TimerObservingTimeProvider.ArmedTimer> NextRetryDelayAsync() =>
        _time.WaitForTimerAsync(t => t.DueTime != TurnTimeout, Cancellation);

    private async Task<TurnOutcome<T>> ReleaseRetryDelaysAsync<T>(Task<TurnOutcome<T>> run)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        Task<TimerObservingTimeProvider.ArmedTimer>? delay = null;
        try
        {
            while (true)
            {
                delay ??= _time.WaitForTimerAsync(t => t.DueTime != TurnTimeout, stop.Token);
                if (await Task.WhenAny(run, delay) == run)
                {
                    return await run;
                }

                _time.Advance((await delay).DueTime);
                delay = null;
            }
        }
        finally
        {
            await stop.CancelAsync();
        }
    }
}
