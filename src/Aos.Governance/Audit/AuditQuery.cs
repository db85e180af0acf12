namespace Aos.Governance.Audit;

/// <summary>Selects audit entries; every filter that is set must match.</summary>
public sealed record AuditQuery
{
    /// <summary>The largest page size.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Gets the actor to match exactly.</summary>
    public string? Actor { get; init; }

    /// <summary>Gets the action to match exactly.</summary>
    public string? Action { get; init; }

    /// <summary>Gets the resource to match exactly.</summary>
    public string? Resource { get; init; }

    /// <summary>Gets the level to match.</summary>
    public AuditLevel? Level { get; init; }

    /// <summary>Gets the tenant to match exactly.</summary>
    public string? Tenant { get; init; }

    /// <summary>Gets the earliest time, inclusive.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets the latest time, exclusive.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Gets the cursor: only entries after this sequence number are returned.</summary>
    public long? After { get; init; }

    /// <summary>Gets the page size.</summary>
    /// <value>The default is 100; at most <see cref="MaxLimit"/>.</value>
    public int Limit { get; init; } = 100;
}
