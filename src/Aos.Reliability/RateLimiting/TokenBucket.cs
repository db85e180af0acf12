using System.Threading.RateLimiting;

namespace Aos.Reliability;

/// <summary>Limits one principal with a token bucket that refills continuously on the injected <see cref="TimeProvider"/>.</summary>
/// <remarks>
/// System.Threading.RateLimiting's own token bucket reads <c>Stopwatch</c>, which a test clock cannot move; this one reads the
/// <see cref="TimeProvider"/>, so refills are exact and tests deterministic. It never queues: a request it cannot serve now is refused
/// with <see cref="MetadataName.RetryAfter"/>, the time until enough tokens are back. Thread-safe.
/// </remarks>
internal sealed class TokenBucket : RateLimiter
{
    private readonly object _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly double _rate;
    private readonly int _burst;
    private double _tokens;
    private long _refilledAt;
    private long? _fullSince;
    private long _successful;
    private long _failed;

    public TokenBucket(TokenBucketOptions options, TimeProvider timeProvider)
    {
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
            return new Lease(false, wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait);
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

    private sealed class Lease(bool isAcquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null);

        public override bool IsAcquired => isAcquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
