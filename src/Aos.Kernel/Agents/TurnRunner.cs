using Polly;
using Polly.Retry;

namespace Aos.Kernel.Agents;

/// <summary>
/// Runs one message's handler attempts: retries failures with exponential backoff and jitter, and cuts an attempt
/// that outlives the turn timeout.
/// </summary>
/// <remarks>
/// Refusals (<see cref="AosValidationException"/>) are not retried: the same input fails the same way. A timed-out
/// attempt is not retried either: a handler that hung once is likely to hang again, and each try would hold the
/// agent for the whole timeout. The attempt callback must discard the previous attempt's changes itself.
/// </remarks>
internal sealed class TurnRunner
{
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeSpan _turnTimeout;
    private readonly TimeProvider _timeProvider;

    public TurnRunner(KernelOptions options, TimeProvider timeProvider)
    {
        _turnTimeout = options.TurnTimeout;
        _timeProvider = timeProvider;
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsRetryable),
            });
        }

        _pipeline = builder.Build();
    }

    /// <summary>Runs attempts until one succeeds or the budget is spent.</summary>
    /// <typeparam name="T">The attempt's result.</typeparam>
    /// <param name="attempt">Runs one attempt; receives the attempt number (from 1) and a token cancelled at the turn timeout.</param>
    /// <param name="onAttemptFailed">Observes each failed attempt.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The outcome, with the number of attempts made.</returns>
    public async Task<TurnOutcome<T>> RunAsync<T>(
        Func<int, CancellationToken, Task<T>> attempt,
        Action<int, Exception>? onAttemptFailed,
        CancellationToken cancellationToken)
    {
        var attempts = 0;
        try
        {
            var result = await _pipeline.ExecuteAsync(
                async ct =>
                {
                    var number = ++attempts;
                    try
                    {
                        return await RunOneAsync(number, attempt, ct);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        onAttemptFailed?.Invoke(number, ex);
                        throw;
                    }
                },
                cancellationToken);
            return new TurnOutcome<T>(result, null, attempts);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new TurnOutcome<T>(default, ex, attempts);
        }
    }

    private static bool IsRetryable(Exception exception) =>
        exception is not (AosValidationException or TurnTimeoutException or AgentNotFoundException);

    private async Task<T> RunOneAsync<T>(int number, Func<int, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var task = attempt(number, timeout.Token);
        if (task.IsCompleted)
        {
            // Most handlers finish synchronously: no timer is armed for them.
            return await task;
        }

        try
        {
            // WaitAsync cuts a handler that ignores its token; the caller discards that attempt's agent instance.
            return await task.WaitAsync(_turnTimeout, _timeProvider, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            await timeout.CancelAsync();
            throw new TurnTimeoutException($"The handler did not finish within the turn timeout of {_turnTimeout.TotalSeconds:0.###} s (Aos:Kernel:TurnTimeout).", ex);
        }
    }
}

/// <summary>Represents how a turn ended.</summary>
/// <typeparam name="T">The result type.</typeparam>
/// <param name="Result">The result, when an attempt succeeded.</param>
/// <param name="Error">The last attempt's error, when every attempt failed.</param>
/// <param name="Attempts">The number of attempts made.</param>
internal readonly record struct TurnOutcome<T>(T? Result, Exception? Error, int Attempts)
{
    public bool Succeeded => Error is null;
}
