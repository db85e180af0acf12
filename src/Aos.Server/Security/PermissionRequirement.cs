using System.Collections.Frozen;
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
/// resources it guards can belong to the principal's tenant.
/// </summary>
/// <remarks>
/// Agents, messages, dead letters, conversations, API keys, users and sessions carry their tenant, and every route over them answers only with the
/// caller's. Approvals, state machines and workflows do not carry one yet: they belong to the <see cref="AosTenants.Default"/> tenant, so
/// a principal of another tenant is granted their permissions only when it holds <see cref="Permissions.TenantsManage"/>.
/// </remarks>
internal sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    /// <summary>Gets the permissions over resources that carry their tenant.</summary>
    internal static IReadOnlySet<string> TenantScoped { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Permissions.AgentsRead, Permissions.AgentsWrite, Permissions.MessagesSend, Permissions.MessagesRead, Permissions.MessagesReplay,
        Permissions.ConversationsManage, Permissions.ConversationsSign, Permissions.ApiKeysManage, Permissions.UsersManage,
        Permissions.SessionsOwn, Permissions.SessionsManage,
    }.ToFrozenSet(StringComparer.Ordinal);

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var user = context.User;
        if (Callers.Holds(user, requirement.Permission)
            && (TenantScoped.Contains(requirement.Permission) || Callers.TenantOf(user) == AosTenants.Default || Callers.Holds(user, Permissions.TenantsManage)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
