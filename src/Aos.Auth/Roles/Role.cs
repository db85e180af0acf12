namespace Aos.Security.Roles;

/// <summary>Describes a role: a built-in one (<see cref="AosRoles"/>) or a custom role of a tenant.</summary>
/// <param name="Name">The role's name, unique in its tenant and never a built-in name for a custom role.</param>
/// <param name="Description">What the role is for.</param>
/// <param name="Permissions">The permissions it grants (<see cref="Security.Permissions"/>).</param>
/// <param name="BuiltIn">Whether it is a built-in role, which exists in every tenant and cannot be changed.</param>
/// <param name="Tenant">The tenant of a custom role; <see langword="null"/> for a built-in one.</param>
/// <param name="CreatedAt">When a custom role was created; <see langword="null"/> for a built-in one.</param>
public sealed record Role(string Name, string? Description, IReadOnlyList<string> Permissions, bool BuiltIn, string? Tenant, DateTimeOffset? CreatedAt);

/// <summary>Asks for a custom role, or for a custom role's new description and permissions.</summary>
public sealed record RoleRequest
{
    /// <summary>Gets the role's name: 1 to 64 lowercase letters, digits, <c>_</c> and <c>-</c>, starting with a letter; not a built-in name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what the role is for: up to 200 characters.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the permissions the role grants: one or more of <see cref="Security.Permissions.All"/>.</summary>
    public required IReadOnlyList<string> Permissions { get; init; }
}

/// <summary>Gives a principal of another tenant roles in a tenant: the explicit cross-tenant grant.</summary>
/// <param name="Tenant">The tenant the roles hold in.</param>
/// <param name="PrincipalId">The principal: <c>api-key:{id}</c> or <c>user:{tenant}/{username}</c>.</param>
/// <param name="Roles">The roles it holds there: built-in roles or custom roles of <paramref name="Tenant"/>.</param>
/// <param name="UpdatedAt">When the assignment was last written.</param>
public sealed record RoleAssignment(string Tenant, string PrincipalId, IReadOnlyList<string> Roles, DateTimeOffset UpdatedAt);

/// <summary>The stored form of a custom role.</summary>
internal sealed record RoleDocument(string Name, string Tenant, string? Description, string[] Permissions, DateTimeOffset CreatedAt)
{
    public Role ToRole() => new(Name, Description, Permissions, false, Tenant, CreatedAt);
}

/// <summary>The stored form of a role assignment.</summary>
internal sealed record RoleAssignmentDocument(string Tenant, string PrincipalId, string[] Roles, DateTimeOffset UpdatedAt)
{
    public RoleAssignment ToAssignment() => new(Tenant, PrincipalId, Roles, UpdatedAt);
}
