namespace Aos.Reliability;

/// <summary>Configures the circuit breaker of a dependency, on Polly's ratio-based breaker.</summary>
/// <remarks>
/// The circuit opens when, within <see cref="SamplingDuration"/>, at least <see cref="MinimumThroughput"/> calls were made and at least
/// <see cref="FailureRatio"/> of them failed transiently. With the defaults (5 calls, ratio 1.0, 60 s) that is "5 failures within 60 s
/// and no success in between". While open, calls are refused without being tried; after <see cref="BreakDuration"/> the next call is a
/// probe (half-open): its success closes the circuit, its failure opens it again. Polly closes after one successful probe, not two.
/// </remarks>
public sealed class CircuitBreakerOptions
{
    /// <summary>Gets or sets a value indicating whether the dependency has a circuit breaker.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the fewest calls within the sampling duration before the circuit may open.</summary>
    /// <value>The default is 5.</value>
    public int MinimumThroughput { get; set; } = 5;

    /// <summary>Gets or sets the fraction of the sampled calls that must have failed for the circuit to open (0 exclusive to 1 inclusive).</summary>
    /// <value>The default is 1.0: every sampled call failed.</value>
    public double FailureRatio { get; set; } = 1.0;

    /// <summary>Gets or sets the window over which calls are sampled.</summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long the circuit stays open before it lets a probe through (half-open).</summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(60);
}
