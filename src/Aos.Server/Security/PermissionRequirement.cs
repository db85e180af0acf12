using Aos.Security;
using Microsoft.AspNetCore.Authorization;

namespace Aos.Server.Security;

/// <summary>Requires a permission (<see cref="Permissions"/>) that one of the principal's roles grants.</summary>
/// <param name="permission">The permission.</param>
internal sealed class PermissionRequirement(string permission) : IAuthorizationRequirement
{
    public string Permission { get; } = permission;
}

/// <summary>
/// Grants a <see cref="PermissionRequirement"/> when one of the principal's roles (<see cref="AosRoles"/>) holds the permission, and the
/// principal acts in the tenant the resources belong to.
/// </summary>
/// <remarks>
/// Every resource belongs to the <see cref="AosTenants.Default"/> tenant until resources carry their own: a principal of another tenant
/// is granted nothing unless it holds <see cref="Permissions.TenantsManage"/>, so no tenant reaches another's data.
/// </remarks>
internal sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var user = context.User;
        if (Callers.Holds(user, requirement.Permission) && (user.FindFirst(AosClaims.Tenant)?.Value == AosTenants.Default || Callers.Holds(user, Permissions.TenantsManage)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
