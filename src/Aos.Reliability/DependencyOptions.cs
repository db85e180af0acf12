namespace Aos.Reliability;

/// <summary>Configures the resilience pipeline of one outbound dependency: retry, circuit breaker and per-attempt timeout.</summary>
public sealed class DependencyOptions
{
    /// <summary>Gets or sets the retry of transient failures.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the circuit breaker.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>Gets or sets how long one attempt may take before it is cancelled and counted as a transient failure.</summary>
    /// <remarks>
    /// A client that times its own requests out gets this as its timeout, and the pipeline then adds none
    /// (<see cref="DependencyPipelines.ExecuteTimedByClientAsync{TResult}"/>): NATS.Net's request timeout for <c>transport:nats</c>.
    /// </remarks>
    /// <value>The default is 30 seconds; <see cref="Timeout.InfiniteTimeSpan"/> or zero for none.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
