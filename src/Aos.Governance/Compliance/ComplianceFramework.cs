namespace Aos.Governance.Compliance;

/// <summary>Represents a compliance framework: a named, versioned set of controls mapped to AOS actions.</summary>
/// <remarks>The built-in frameworks (SOC 2 and ISO/IEC 27001:2022) ship with AOS; custom ones are kept installation-wide in the governance store.</remarks>
public sealed record ComplianceFramework
{
    /// <summary>Gets the framework's id: 1 to 64 lowercase letters, digits, '-' and '.', such as <c>soc2</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the framework's name, for a person.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the version of the framework the controls follow, such as <c>2022</c>.</summary>
    public required string Version { get; init; }

    /// <summary>Gets a value indicating whether the framework ships with AOS (and cannot be changed or deleted).</summary>
    public bool BuiltIn { get; init; }

    /// <summary>Gets the controls.</summary>
    public IReadOnlyList<ComplianceControl> Controls { get; init; } = [];
}
