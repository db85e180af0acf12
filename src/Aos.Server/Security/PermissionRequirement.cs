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
/// roles resolved by the <see cref="RoleCatalog"/>, from memory), and the resources the permission reaches can belong to that tenant.
/// </summary>
/// <remarks>
/// Agents, messages, dead letters, conversations, approvals, state machines (registered definitions and instances; templates are
/// shared), workflows and workflow runs, audit entries, risks, decision records, compliance summaries (over the tenant's audit entries), API keys, users, sessions, custom roles and role assignments carry their tenant, and every
/// route over them answers only with the acting tenant's. What is installation-wide (backups, signing keys, tenants, the audit log as a whole, policies, custom compliance frameworks) belongs to the
/// <see cref="AosTenants.Default"/> tenant, so a principal acting in another tenant is granted those permissions only when it holds
/// <see cref="Permissions.TenantsManage"/>.
/// </remarks>
internal sealed class PermissionHandler(RoleCatalog roles) : AuthorizationHandler<PermissionRequirement>
{
    /// <summary>Gets the permissions over resources that carry their tenant.</summary>
    internal static FrozenSet<string> TenantScoped { get; } = FrozenSet.Create(
        StringComparer.Ordinal,
        Permissions.AgentsRead, Permissions.AgentsWrite, Permissions.MessagesSend, Permissions.MessagesRead, Permissions.MessagesReplay,
        Permissions.ConversationsManage, Permissions.ConversationsSign, Permissions.ApiKeysManage, Permissions.UsersManage, Permissions.RolesManage,
        Permissions.SessionsOwn, Permissions.SessionsManage, Permissions.ApprovalsRequest, Permissions.ApprovalsRead, Permissions.ApprovalsDecide,
        Permissions.WorkflowsDefine, Permissions.WorkflowsRead, Permissions.WorkflowsRun,
        Permissions.StateMachinesRead, Permissions.StateMachinesDefine, Permissions.StateMachinesRun,
        Permissions.AuditRead, Permissions.RisksRead, Permissions.RisksWrite, Permissions.DecisionsRead, Permissions.DecisionsWrite, Permissions.ComplianceRead);

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var user = context.User;
        if (Callers.Holds(user, roles, requirement.Permission)
            && (TenantScoped.Contains(requirement.Permission) || Callers.TenantOf(user) == AosTenants.Default || Callers.Holds(user, roles, Permissions.TenantsManage)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
