using System.Threading.RateLimiting;

namespace Aos.Reliability;

/// <summary>Limits one principal with a token bucket that refills continuously on the injected <see cref="TimeProvider"/>.</summary>
/// <remarks>
/// System.Threading.RateLimiting's own token bucket reads <c>Stopwatch</c>, which a test clock cannot move; this one reads the
/// <see cref="TimeProvider"/>, so refills are exact and tests deterministic. It never queues: a request it cannot serve now is refused
/// with <see cref="MetadataName.RetryAfter"/>, the time until enough tokens are back, and <see cref="MetadataName.ReasonPhrase"/>, a message
/// that names the principal and its limit. Thread-safe.
/// </remarks>
internal sealed class TokenBucket : RateLimiter
{
    private readonly object _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly string _principal;
    private readonly double _rate;
    private readonly int _burst;
    private double _tokens;
    private long _refilledAt;
    private long? _fullSince;
    private long _successful;
    private long _failed;

    public TokenBucket(string principal, TokenBucketOptions options, TimeProvider timeProvider)
    {
        _principal = principal;
        _timeProvider = timeProvider;
        _rate = options.PermitsPerSecond;
        _burst = options.Burst;
        _tokens = _burst;
        _refilledAt = timeProvider.GetTimestamp();
        _fullSince = _refilledAt;
    }

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                Refill();
                return _fullSince is { } since ? _timeProvider.GetElapsedTime(since) : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Refill();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = (long)_tokens,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _successful,
                TotalFailedLeases = _failed,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        if (permitCount > _burst)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"A request for more than the burst ({_burst}) can never be served.");
        }

        lock (_gate)
        {
            Refill();
            if (_tokens >= permitCount)
            {
                _tokens -= permitCount;
                _fullSince = null;
                _successful++;
                return Lease.Acquired;
            }

            _failed++;
            var wait = TimeSpan.FromSeconds((permitCount - _tokens) / _rate);
            wait = wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
            return new Lease(false, wait, Refusal(_principal, _rate, _burst, wait));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Refill()
    {
        var now = _timeProvider.GetTimestamp();
        var elapsed = _timeProvider.GetElapsedTime(_refilledAt, now).TotalSeconds;
        _refilledAt = now;
        if (_fullSince is not null || elapsed <= 0)
        {
            return;
        }

        _tokens += elapsed * _rate;
        if (_tokens >= _burst)
        {
            _tokens = _burst;
            _fullSince = now;
        }
    }

    private static string Refusal(string principal, double rate, int burst, TimeSpan wait) =>
        string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"'{principal}' made more than {rate} requests per second (bursts up to {burst}). Retry after {Math.Ceiling(wait.TotalSeconds)} s, or ask an operator to raise {ReliabilityOptions.SectionName}:RateLimits.");

    private sealed class Lease(bool isAcquired, TimeSpan? retryAfter, string? reason) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null, null);

        public override bool IsAcquired => isAcquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter is null ? null
                : metadataName == MetadataName.RetryAfter.Name ? retryAfter
                : metadataName == MetadataName.ReasonPhrase.Name ? reason
                : null;
            return metadata is not null;
        }
    }
}
