using System.Collections.Frozen;
using Aos.Security;
using Aos.Security.Roles;
using Microsoft.AspNetCore.Authorization;

namespace Aos.Server.Security;

/// <summary>Requires a permission (<see cref="Permissions"/>) that one of the principal's roles grants.</summary>
/// <param name="permission">The permission.</param>
internal sealed class PermissionRequirement(string permission) : IAuthorizationRequirement
{
    public string Permission { get; } = permission;
}

/// <summary>
/// Grants a <see cref="PermissionRequirement"/> when one of the principal's roles holds the permission in the tenant it acts in (custom
/// roles resolved by the <see cref="RoleCatalog"/>, from memory), and the resources the permission reaches belong to that tenant.
/// </summary>
/// <remarks>
/// API keys, users, custom roles and role assignments belong to their tenant, so the permissions that manage them hold in any tenant.
/// Every other resource belongs to the <see cref="AosTenants.Default"/> tenant until resources carry their own: a principal acting in
/// another tenant is granted none of those unless it holds <see cref="Permissions.TenantsManage"/>, so no tenant reaches another's data.
/// </remarks>
internal sealed class PermissionHandler(RoleCatalog roles) : AuthorizationHandler<PermissionRequirement>
{
    private static readonly FrozenSet<string> TenantScoped = FrozenSet.Create(StringComparer.Ordinal, Permissions.ApiKeysManage, Permissions.UsersManage, Permissions.RolesManage);

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var user = context.User;
        if (Callers.Holds(user, roles, requirement.Permission)
            && (Callers.TenantOf(user) == AosTenants.Default || TenantScoped.Contains(requirement.Permission) || Callers.Holds(user, roles, Permissions.TenantsManage)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
