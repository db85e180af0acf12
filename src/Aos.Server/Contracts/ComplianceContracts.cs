using System.Text.Json;
using Aos.Governance.Compliance;

namespace Aos.Server.Contracts;

/// <summary>Represents the compliance frameworks: the built-in ones, then the custom ones.</summary>
/// <param name="Items">The frameworks.</param>
public sealed record ComplianceFrameworkListResponse(IReadOnlyList<ComplianceFramework> Items);

/// <summary>Represents a custom framework to create or replace; its id is the route's.</summary>
/// <param name="Id">The id, when given: it must be the route's.</param>
/// <param name="Name">The framework's name.</param>
/// <param name="Version">The version of the framework the controls follow.</param>
/// <param name="Controls">The controls.</param>
public sealed record PutComplianceFrameworkRequest(string? Id, string? Name, string? Version, IReadOnlyList<ComplianceControl>? Controls);

/// <summary>Represents audit entries to assert, in the shape the audit export writes them.</summary>
/// <param name="Entries">The entries of the caller's tenant, such as those of one action.</param>
/// <param name="Framework">The framework whose controls to check; none for every framework.</param>
public sealed record AssertComplianceRequest(IReadOnlyList<JsonElement>? Entries, string? Framework);

/// <summary>Represents the assertions of audit entries against the controls mapped to their actions.</summary>
/// <param name="Passed">Whether every mapped control passed for every entry.</param>
/// <param name="Results">One assertion per entry, in the order given.</param>
public sealed record AssertComplianceResponse(bool Passed, IReadOnlyList<ComplianceAssertion> Results);
