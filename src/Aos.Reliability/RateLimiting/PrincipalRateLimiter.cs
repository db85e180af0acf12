using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Aos.Reliability;

/// <summary>Limits how fast each principal may call: one token bucket per principal id, on System.Threading.RateLimiting.</summary>
/// <remarks>
/// <para>
/// Each principal gets <see cref="TokenBucketOptions.PermitsPerSecond"/> (100 by default) with bursts up to
/// <see cref="TokenBucketOptions.Burst"/> (200); <see cref="RateLimitOptions.Principals"/> overrides it per principal id. Buckets refill on
/// the injected <see cref="TimeProvider"/>; a principal idle with a full bucket is forgotten after a while and starts full again.
/// </para>
/// <para>
/// <see cref="Limiter"/> is a <see cref="PartitionedRateLimiter{TResource}"/> keyed by principal id, for whoever composes limiters;
/// <see cref="CreateLimiter{TResource}"/> makes another with its own buckets for another entry point (the HTTP API). Thread-safe.
/// </para>
/// </remarks>
public sealed class PrincipalRateLimiter : IDisposable
{
    private readonly RateLimitOptions _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="PrincipalRateLimiter"/> class.</summary>
    /// <param name="options">The reliability options; their <see cref="ReliabilityOptions.RateLimits"/> are read once.</param>
    /// <param name="timeProvider">The clock the buckets refill on.</param>
    public PrincipalRateLimiter(IOptions<ReliabilityOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options.Value.RateLimits;
        _timeProvider = timeProvider;
        Limiter = CreateLimiter<string>(static principal => principal);
    }

    /// <summary>Gets the limiter keyed by principal id.</summary>
    public PartitionedRateLimiter<string> Limiter { get; }

    /// <summary>Takes one permit for a principal, or refuses the call.</summary>
    /// <param name="principal">The principal's id.</param>
    /// <returns>The permit, which the caller disposes.</returns>
    /// <exception cref="RateLimitedException">The principal used up its limit; nothing was done. The exception says when to retry.</exception>
    public RateLimitLease Acquire(string principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var lease = Limiter.AttemptAcquire(principal);
        if (lease.IsAcquired)
        {
            return lease;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var reason = lease.TryGetMetadata(MetadataName.ReasonPhrase, out var phrase) ? phrase : $"'{principal}' is over its rate limit.";
        lease.Dispose();
        throw new RateLimitedException(reason!) { Principal = principal, RetryAfter = retryAfter };
    }

    /// <summary>Creates a limiter with its own buckets, keyed by the principal a resource names.</summary>
    /// <typeparam name="TResource">The resource, such as an HTTP request.</typeparam>
    /// <param name="principalOf">Gets the resource's principal id; <see langword="null"/> or empty for a resource that is not limited.</param>
    /// <returns>The limiter; refused leases carry <see cref="MetadataName.RetryAfter"/> and a <see cref="MetadataName.ReasonPhrase"/> naming the principal and its limit.</returns>
    public PartitionedRateLimiter<TResource> CreateLimiter<TResource>(Func<TResource, string?> principalOf)
    {
        ArgumentNullException.ThrowIfNull(principalOf);
        var enabled = _options.Enabled;
        return PartitionedRateLimiter.Create<TResource, string>(resource =>
            enabled && principalOf(resource) is { Length: > 0 } principal
                ? RateLimitPartition.Get(principal, p => new TokenBucket(p, _options.For(p), _timeProvider))
                : RateLimitPartition.GetNoLimiter(string.Empty));
    }

    /// <summary>Releases the buckets.</summary>
    public void Dispose() => Limiter.Dispose();
}
