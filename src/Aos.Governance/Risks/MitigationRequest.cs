namespace Aos.Governance.Risks;

/// <summary>Describes a mitigation to add to a risk.</summary>
public sealed record MitigationRequest
{
    /// <summary>Gets what is done: 1 to 2,000 characters.</summary>
    public required string Description { get; init; }

    /// <summary>Gets who is responsible for it, when someone is.</summary>
    public string? Owner { get; init; }

    /// <summary>Gets its state in the owner's words (<c>planned</c>, <c>done</c>), when given.</summary>
    public string? Status { get; init; }

    /// <summary>Gets the ETag the risk must still have (as read); <see langword="null"/> to change whatever version is stored now.</summary>
    public string? IfMatch { get; init; }
}
