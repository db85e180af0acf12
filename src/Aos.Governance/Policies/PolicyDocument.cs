namespace Aos.Governance.Policies;

/// <summary>Represents a policy: a named list of rules, written as data in JSON or YAML.</summary>
/// <remarks>Load one with <see cref="PolicyLoader"/>, which validates it, or build one in code; the engine validates it again when installed.</remarks>
public sealed record PolicyDocument
{
    /// <summary>Gets the name of the policy, unique among the installed policies.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what the policy is for, in words.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the rules of the policy, in the order they were written.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; init; } = [];

    /// <summary>Gets where the policy was loaded from, such as a file path, when it was loaded.</summary>
    public string? Source { get; init; }
}
