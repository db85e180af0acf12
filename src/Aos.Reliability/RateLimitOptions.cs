namespace Aos.Reliability;

/// <summary>Configures the per-principal rate limits: one token bucket per principal.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Gets or sets a value indicating whether requests are rate-limited.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the limit of every principal that has no entry in <see cref="Principals"/>.</summary>
    public TokenBucketOptions Default { get; set; } = new();

    /// <summary>Gets the limits of named principals (by principal id), replacing <see cref="Default"/> for them.</summary>
    public IDictionary<string, TokenBucketOptions> Principals { get; } = new Dictionary<string, TokenBucketOptions>(StringComparer.Ordinal);

    /// <summary>Gets the limit of a principal: its entry in <see cref="Principals"/>, or <see cref="Default"/>.</summary>
    /// <param name="principal">The principal's id.</param>
    /// <returns>The limit.</returns>
    public TokenBucketOptions For(string principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return Principals.TryGetValue(principal, out var options) ? options : Default;
    }
}
