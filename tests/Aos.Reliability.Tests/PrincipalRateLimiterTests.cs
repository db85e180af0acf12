using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Reliability.Tests;

public sealed class PrincipalRateLimiterTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly ReliabilityOptions _options = new();
    private PrincipalRateLimiter? _limiter;

    private PrincipalRateLimiter Limiter => _limiter ??= new PrincipalRateLimiter(Options.Create(_options), _time);

    public void Dispose() => _limiter?.Dispose();

    [Fact]
    public void Defaults_AllowABurstOf200_ThenRefuseWithRetryAfter()
    {
        for (var i = 0; i < 200; i++)
        {
            Limiter.Acquire("user:ada").Dispose();
        }

        var refused = Assert.Throws<RateLimitedException>(() => Limiter.Acquire("user:ada"));

        Assert.Equal("user:ada", refused.Principal);
        Assert.Equal(TimeSpan.FromMilliseconds(10), refused.RetryAfter);
        Assert.Contains("more than 100 requests per second", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokens_AreReplenishedAtTheRateAsTimeAdvances()
    {
        Exhaust("user:ada", 200);

        _time.Advance(TimeSpan.FromMilliseconds(10));
        Limiter.Acquire("user:ada").Dispose();
        Assert.Throws<RateLimitedException>(() => Limiter.Acquire("user:ada"));

        _time.Advance(TimeSpan.FromSeconds(1));
        Exhaust("user:ada", 100);
    }

    [Fact]
    public void Principals_HaveSeparateBuckets_AndOverrides()
    {
        _options.RateLimits.Principals["svc:batch"] = new TokenBucketOptions { PermitsPerSecond = 1, Burst = 2 };

        Exhaust("svc:batch", 2);
        Limiter.Acquire("user:ada").Dispose();

        var refused = Assert.Throws<RateLimitedException>(() => Limiter.Acquire("svc:batch"));
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
    }

    [Fact]
    public void Disabled_NeverRefuses()
    {
        _options.RateLimits.Enabled = false;

        for (var i = 0; i < 1_000; i++)
        {
            Limiter.Acquire("user:ada").Dispose();
        }
    }

    [Fact]
    public void CreatedLimiter_SkipsResourcesWithoutPrincipal_AndCarriesRetryAfter()
    {
        _options.RateLimits.Default = new TokenBucketOptions { PermitsPerSecond = 2, Burst = 1 };
        using var http = Limiter.CreateLimiter<string?>(static p => p);

        Assert.True(http.AttemptAcquire(null).IsAcquired);
        Assert.True(http.AttemptAcquire(null).IsAcquired);
        Assert.True(http.AttemptAcquire("user:ada").IsAcquired);
        using var refused = http.AttemptAcquire("user:ada");

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(500), retryAfter);
    }

    private void Exhaust(string principal, int expected)
    {
        var acquired = 0;
        while (true)
        {
            try
            {
                Limiter.Acquire(principal).Dispose();
                acquired++;
            }
            catch (RateLimitedException)
            {
                break;
            }
        }

        Assert.Equal(expected, acquired);
    }
}
