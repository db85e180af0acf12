using Microsoft.Extensions.Options;

namespace Aos.Reliability.Hosting;

/// <summary>Validates <see cref="ReliabilityOptions"/> at host start; each failure names the option and the accepted range.</summary>
internal sealed class ReliabilityOptionsValidator : IValidateOptions<ReliabilityOptions>
{
    private const string Section = ReliabilityOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ReliabilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Dependency(failures, $"{Section}:Defaults", options.Defaults);
        foreach (var (kind, instances) in options.Dependencies)
        {
            foreach (var (instance, dependencyOptions) in instances ?? new Dictionary<string, DependencyOptions>())
            {
                Dependency(failures, $"{Section}:Dependencies:{kind}:{instance}", dependencyOptions);
            }
        }

        var idempotency = options.Idempotency;
        Positive(failures, $"{Section}:Idempotency:TimeToLive", idempotency.TimeToLive);
        Positive(failures, $"{Section}:Idempotency:InProgressTimeout", idempotency.InProgressTimeout);
        Positive(failures, $"{Section}:Idempotency:SweepInterval", idempotency.SweepInterval);

        var shedding = options.LoadShedding;
        if (shedding.Capacity < 1)
        {
            failures.Add($"{Section}:LoadShedding:Capacity is {shedding.Capacity}; it must be at least 1.");
        }

        if (shedding.WarningThreshold is not (> 0 and <= 1) || shedding.ShedThreshold is not (> 0 and <= 1) || shedding.WarningThreshold > shedding.ShedThreshold)
        {
            failures.Add($"{Section}:LoadShedding:WarningThreshold ({shedding.WarningThreshold}) and ShedThreshold ({shedding.ShedThreshold}) must be fractions in (0, 1], the warning at or below the shedding.");
        }

        Positive(failures, $"{Section}:LoadShedding:RetryAfter", shedding.RetryAfter);
        Bucket(failures, $"{Section}:RateLimits:Default", options.RateLimits.Default);
        foreach (var (principal, bucket) in options.RateLimits.Principals)
        {
            Bucket(failures, $"{Section}:RateLimits:Principals:{principal}", bucket);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Dependency(List<string> failures, string path, DependencyOptions? options)
    {
        if (options is null)
        {
            failures.Add($"{path} is missing.");
            return;
        }

        var retry = options.Retry;
        if (retry.MaxRetryAttempts is < 0 or > 100)
        {
            failures.Add($"{path}:Retry:MaxRetryAttempts is {retry.MaxRetryAttempts}; it must be 0 (no retry) to 100.");
        }

        Positive(failures, $"{path}:Retry:BaseDelay", retry.BaseDelay);
        if (retry.MaxDelay < retry.BaseDelay)
        {
            failures.Add($"{path}:Retry:MaxDelay ({retry.MaxDelay}) is shorter than BaseDelay ({retry.BaseDelay}).");
        }

        var breaker = options.CircuitBreaker;
        if (breaker.Enabled)
        {
            if (breaker.MinimumThroughput < 2)
            {
                failures.Add($"{path}:CircuitBreaker:MinimumThroughput is {breaker.MinimumThroughput}; it must be at least 2.");
            }

            if (breaker.FailureRatio is not (> 0 and <= 1))
            {
                failures.Add($"{path}:CircuitBreaker:FailureRatio is {breaker.FailureRatio}; it must be above 0 and at most 1.");
            }

            if (breaker.SamplingDuration < TimeSpan.FromMilliseconds(500))
            {
                failures.Add($"{path}:CircuitBreaker:SamplingDuration is {breaker.SamplingDuration}; it must be at least 0.5 seconds.");
            }

            if (breaker.BreakDuration < TimeSpan.FromMilliseconds(500))
            {
                failures.Add($"{path}:CircuitBreaker:BreakDuration is {breaker.BreakDuration}; it must be at least 0.5 seconds.");
            }
        }

        if (options.AttemptTimeout < TimeSpan.Zero && options.AttemptTimeout != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{path}:AttemptTimeout is {options.AttemptTimeout}; it must be positive, or zero for none.");
        }
    }

    private static void Bucket(List<string> failures, string path, TokenBucketOptions? bucket)
    {
        if (bucket is null)
        {
            failures.Add($"{path} is missing.");
            return;
        }

        if (bucket.PermitsPerSecond < 1)
        {
            failures.Add($"{path}:PermitsPerSecond is {bucket.PermitsPerSecond}; it must be at least 1.");
        }

        if (bucket.Burst < 1)
        {
            failures.Add($"{path}:Burst is {bucket.Burst}; it must be at least 1.");
        }
    }

    private static void Positive(List<string> failures, string path, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{path} is {value}; it must be positive.");
        }
    }
}
