using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Aos.Reliability;

/// <summary>Builds a dependency's pipeline from its options.</summary>
public sealed partial class DependencyPipelines
{
    // The backoff; a dependency that says how long to wait (a 429's retry-after) gets that when it is longer, up to the cap: retrying
    // sooner only spends an attempt on another refusal, and a caller is never held longer than MaxDelay per retry.
    private TimeSpan RetryDelay(RetryOptions retry, string dependency, Exception? failure, int attempt)
    {
        var backoff = RetryDelays.Delay(retry, attempt, Random());
        return failure is not null && GetRetryAfter(failure, dependency) is { } wait && wait > backoff
            ? (wait < retry.MaxDelay ? wait : retry.MaxDelay)
            : backoff;
    }

    private void Configure(ResiliencePipelineBuilder builder, string dependency)
    {
        var options = _options.CurrentValue.For(dependency);
        builder.Name = dependency;
        builder.TimeProvider = _timeProvider;
        var retry = options.Retry;
        if (retry.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = retry.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                UseJitter = retry.UseJitter,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && Classify(e, dependency) == ErrorClass.Transient),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(RetryDelay(retry, dependency, args.Outcome.Exception, args.AttemptNumber)),
                OnRetry = args =>
                {
                    LogRetry(_logger, dependency, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception!);
                    return ValueTask.CompletedTask;
                },
            });
        }

        var breaker = options.CircuitBreaker;
        if (breaker.Enabled)
        {
            var state = _circuits.GetOrAdd(dependency, static _ => new CircuitBreakerStateProvider());
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                MinimumThroughput = breaker.MinimumThroughput,
                FailureRatio = breaker.FailureRatio,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
                StateProvider = state,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && Classify(e, dependency) == ErrorClass.Transient),
                OnOpened = args =>
                {
                    LogOpened(_logger, dependency, args.BreakDuration, args.Outcome.Exception);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    LogHalfOpened(_logger, dependency);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    LogClosed(_logger, dependency);
                    return ValueTask.CompletedTask;
                },
            });
        }

        if (options.AttemptTimeout > TimeSpan.Zero)
        {
            var timeout = options.AttemptTimeout;
            builder.AddTimeout(new TimeoutStrategyOptions
            {
                Timeout = timeout,
                TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(TimedByClient, false) ? Timeout.InfiniteTimeSpan : timeout),
            });
        }
    }
}
