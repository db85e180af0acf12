namespace Aos.Reliability;

/// <summary>Configures the reliability service: resilience per outbound dependency, the idempotency store, load shedding and rate limits.</summary>
/// <remarks>Bound from <c>Aos:Reliability</c> and validated at host start; an invalid value fails the start with a message naming the option.</remarks>
public sealed class ReliabilityOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Reliability";

    /// <summary>Gets or sets the retry, circuit breaker and timeout of every dependency that has no entry in <see cref="Dependencies"/>.</summary>
    public DependencyOptions Defaults { get; set; } = new();

    /// <summary>Gets the options of named dependencies by kind, then instance, replacing <see cref="Defaults"/> for them: <c>storage:postgres</c> is configured at <c>Aos:Reliability:Dependencies:storage:postgres</c>.</summary>
    /// <remarks>
    /// Kinds are <c>storage</c>, <c>transport</c>, <c>model</c>, <c>mcp</c> (any other is accepted). An entry is a whole set of options: a value
    /// it leaves out takes the built-in default, not the value in <see cref="Defaults"/>. Names compare ignoring case.
    /// </remarks>
    public IDictionary<string, IDictionary<string, DependencyOptions>> Dependencies { get; } = new Dictionary<string, IDictionary<string, DependencyOptions>>(StringComparer.OrdinalIgnoreCase);

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
        var separator = dependency.IndexOf(':', StringComparison.Ordinal);
        if (separator < 0 || !Dependencies.TryGetValue(dependency[..separator], out var instances))
        {
            return Defaults;
        }

        var instance = dependency[(separator + 1)..];
        return instances.FirstOrDefault(i => string.Equals(i.Key, instance, StringComparison.OrdinalIgnoreCase)).Value ?? Defaults;
    }

    /// <summary>Sets the options of a dependency, replacing <see cref="Defaults"/> for it.</summary>
    /// <param name="dependency">The dependency's name: kind, colon, instance (<c>model:gpt</c>).</param>
    /// <param name="options">The options.</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentException">The name has no kind.</exception>
    public ReliabilityOptions SetDependency(string dependency, DependencyOptions options)
    {
        ArgumentNullException.ThrowIfNull(dependency);
        ArgumentNullException.ThrowIfNull(options);
        var separator = dependency.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0 || separator == dependency.Length - 1)
        {
            throw new ArgumentException($"The dependency '{dependency}' is not named kind:instance (storage:postgres, model:gpt).", nameof(dependency));
        }

        if (!Dependencies.TryGetValue(dependency[..separator], out var instances))
        {
            instances = new Dictionary<string, DependencyOptions>(StringComparer.OrdinalIgnoreCase);
            Dependencies[dependency[..separator]] = instances;
        }

        instances[dependency[(separator + 1)..]] = options;
        return this;
    }
}
