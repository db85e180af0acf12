namespace Aos.Reliability;

/// <summary>Represents a call to an outbound dependency (a model endpoint, an MCP server, a transport) refused or failed after bounded retries: its circuit is open, or it did not answer in time.</summary>
/// <remarks>The caller may retry after <see cref="RetryAfter"/>; storage backends surface the same condition as <c>StorageUnavailableException</c>.</remarks>
[GenerateSerializer, Alias("aos.dependency-unavailable-exception")]
public sealed class DependencyUnavailableException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="DependencyUnavailableException"/> class.</summary>
    public DependencyUnavailableException() { }

    /// <summary>Initializes a new instance of the <see cref="DependencyUnavailableException"/> class with a message.</summary>
    /// <param name="message">The dependency, what failed and when to retry.</param>
    public DependencyUnavailableException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="DependencyUnavailableException"/> class with a message and a cause.</summary>
    /// <param name="message">The dependency, what failed and when to retry.</param>
    /// <param name="innerException">The cause.</param>
    public DependencyUnavailableException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets the dependency's name (<c>storage:postgres</c>, <c>model:gpt</c>, <c>mcp:files</c>).</summary>
    [Id(0)] public string? Dependency { get; init; }

    /// <summary>Gets how long the caller should wait before trying again; <see cref="TimeSpan.Zero"/> when unknown.</summary>
    [Id(1)] public TimeSpan RetryAfter { get; init; }

    /// <summary>Gets a value indicating whether the dependency's circuit breaker is open (calls are refused without being tried).</summary>
    [Id(2)] public bool CircuitOpen { get; init; }
}
