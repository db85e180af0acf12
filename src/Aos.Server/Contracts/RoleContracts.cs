namespace Aos.Server.Contracts;

/// <summary>Asks for a custom role in the tenant the caller acts in.</summary>
/// <param name="Name">The name: 1 to 64 lowercase letters, digits, <c>_</c> and <c>-</c>, starting with a letter; not a built-in role.</param>
/// <param name="Description">What the role is for.</param>
/// <param name="Permissions">The permissions it grants, each one the caller holds itself.</param>
public sealed record CreateRoleRequest(string Name, string? Description, string[]? Permissions);

/// <summary>Replaces a custom role's description and permissions.</summary>
/// <param name="Description">What the role is for.</param>
/// <param name="Permissions">The permissions it grants from now on, each one the caller holds itself.</param>
public sealed record UpdateRoleRequest(string? Description, string[]? Permissions);

/// <summary>Gives a principal of another tenant roles in the tenant the caller acts in.</summary>
/// <param name="Roles">Built-in roles or custom roles of the tenant, each granting only permissions the caller holds itself.</param>
public sealed record AssignRolesRequest(string[]? Roles);
