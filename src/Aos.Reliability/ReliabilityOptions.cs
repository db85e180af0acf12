namespace Aos.Reliability;

/// <summary>Configures the reliability service: resilience per outbound dependency, the idempotency store, load shedding and rate limits.</summary>
/// <remarks>Bound from <c>Aos:Reliability</c> and validated at host start; an invalid value fails the start with a message naming the option.</remarks>
public sealed class ReliabilityOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Reliability";

    /// <summary>Gets or sets the retry, circuit breaker and timeout of every dependency that has no entry in <see cref="Dependencies"/>.</summary>
    public DependencyOptions Defaults { get; set; } = new();

    /// <summary>Gets the options of named dependencies (<c>storage:postgres</c>, <c>transport:nats</c>, <c>model:{name}</c>, <c>mcp:{name}</c>), replacing <see cref="Defaults"/> for them.</summary>
    /// <remarks>An entry is a whole set of options: a value it leaves out takes the built-in default, not the value in <see cref="Defaults"/>.</remarks>
    public IDictionary<string, DependencyOptions> Dependencies { get; } = new Dictionary<string, DependencyOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the idempotency store's options.</summary>
    public IdempotencyOptions Idempotency { get; set; } = new();

    /// <summary>Gets or sets the load shedder's options.</summary>
    public LoadSheddingOptions LoadShedding { get; set; } = new();

    /// <summary>Gets or sets the per-principal rate limits.</summary>
    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>Gets the options of a dependency: its entry in <see cref="Dependencies"/>, or <see cref="Defaults"/>.</summary>
    /// <param name="dependency">The dependency's name.</param>
    /// <returns>The options.</returns>
    public DependencyOptions For(string dependency)
    {
        ArgumentNullException.ThrowIfNull(dependency);
        return Dependencies.TryGetValue(dependency, out var options) ? options : Defaults;
    }
}
