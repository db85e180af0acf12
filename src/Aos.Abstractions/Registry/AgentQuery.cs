using Aos.Agents;

namespace Aos.Registry;

/// <summary>
/// Selects registered agents; every filter that is set must match.
/// </summary>
/// <remarks>Results are ordered by agent id (ordinal). Page with <see cref="After"/>: pass the last id of the previous page.</remarks>
public sealed record AgentQuery
{
    /// <summary>Gets the largest page size accepted.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Gets the tenant whose agents to list, or <see langword="null"/> for every tenant.</summary>
    public string? Tenant { get; init; }

    /// <summary>Gets the agent type to match, or <see langword="null"/> for any.</summary>
    public string? Type { get; init; }

    /// <summary>Gets a capability the agent must have, or <see langword="null"/> for any.</summary>
    public string? Capability { get; init; }

    /// <summary>Gets the status to match, or <see langword="null"/> for any.</summary>
    public AgentStatus? Status { get; init; }

    /// <summary>Gets the id after which the page starts, or <see langword="null"/> to start at the first.</summary>
    public string? After { get; init; }

    /// <summary>Gets the page size.</summary>
    /// <value>The default is 100; at most <see cref="MaxLimit"/>.</value>
    public int Limit { get; init; } = 100;
}
