namespace Aos.Security.Tenants;

/// <summary>Describes a tenant: the boundary that every principal, role and resource belongs to.</summary>
/// <param name="Name">The tenant's name (<see cref="AosTenants.Validate"/>), its id everywhere.</param>
/// <param name="DisplayName">What people call it.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record Tenant(string Name, string DisplayName, DateTimeOffset CreatedAt);

/// <summary>Asks for a new tenant.</summary>
public sealed record TenantRequest
{
    /// <summary>Gets the tenant's name: 1 to 64 lowercase letters, digits and hyphens, not starting with a hyphen.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what people call it: 1 to 100 characters; the name when not given.</summary>
    public string? DisplayName { get; init; }
}

/// <summary>The stored form of a tenant.</summary>
internal sealed record TenantDocument(string Name, string DisplayName, DateTimeOffset CreatedAt)
{
    public Tenant ToTenant() => new(Name, DisplayName, CreatedAt);
}
