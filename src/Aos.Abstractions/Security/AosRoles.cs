using System.Collections.Frozen;

namespace Aos.Security;

/// <summary>The built-in roles and the permissions each grants; every role includes the ones before it.</summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>guest</c></term><description>reads agents, messages, approvals, state machines, workflows, risks and decision records; sees and ends its own sessions and tokens.</description></item>
/// <item><term><c>user</c></term><description>also sends messages, runs workflows and state machines, requests and decides approvals, signs conversations, records decisions.</description></item>
/// <item><term><c>agent_manager</c></term><description>also registers agents, defines workflows and state machines, replays dead letters, sets required sign-offs, records and changes risks.</description></item>
/// <item><term><c>admin</c></term><description>also manages API keys, local users, custom roles and role assignments, and everyone's sessions and tokens, and takes backups, within its tenant; reads its tenant's audit entries and compliance; in the default tenant also verifies and exports the audit log, writes policies and manages custom compliance frameworks.</description></item>
/// <item><term><c>superuser</c></term><description>every permission, in every tenant: also manages tenants and rotates token-signing keys.</description></item>
/// </list>
/// A tenant may add custom roles, any subset of <see cref="Permissions.All"/>; their names never shadow these.
/// </remarks>
public static class AosRoles
{
    /// <summary>Read-only access.</summary>
    public const string Guest = "guest";

    /// <summary>Works with agents and workflows others set up.</summary>
    public const string User = "user";

    /// <summary>Sets up agents, workflows and state machines.</summary>
    public const string AgentManager = "agent_manager";

    /// <summary>Runs a tenant: keys, users, roles and backups.</summary>
    public const string Admin = "admin";

    /// <summary>Runs the whole system, across tenants.</summary>
    public const string Superuser = "superuser";

    private static readonly string[] GuestPermissions =
    [
        Permissions.AgentsRead, Permissions.MessagesRead, Permissions.ApprovalsRead, Permissions.StateMachinesRead, Permissions.WorkflowsRead,
        Permissions.SessionsOwn, Permissions.RisksRead, Permissions.DecisionsRead,
    ];

    private static readonly string[] UserPermissions =
    [
        .. GuestPermissions, Permissions.MessagesSend, Permissions.WorkflowsRun, Permissions.StateMachinesRun, Permissions.ApprovalsRequest,
        Permissions.ApprovalsDecide, Permissions.ConversationsSign, Permissions.DecisionsWrite,
    ];

    private static readonly string[] AgentManagerPermissions =
    [
        .. UserPermissions, Permissions.AgentsWrite, Permissions.WorkflowsDefine, Permissions.StateMachinesDefine, Permissions.MessagesReplay,
        Permissions.ConversationsManage, Permissions.RisksWrite,
    ];

    private static readonly string[] AdminPermissions =
    [
        .. AgentManagerPermissions, Permissions.ApiKeysManage, Permissions.UsersManage, Permissions.RolesManage, Permissions.SessionsManage, Permissions.SystemBackup,
        Permissions.AuditRead, Permissions.AuditVerify, Permissions.PoliciesRead, Permissions.PoliciesWrite, Permissions.ComplianceRead, Permissions.ComplianceManage,
    ];

    private static readonly FrozenDictionary<string, FrozenSet<string>> BuiltIn = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal)
    {
        [Guest] = GuestPermissions.ToFrozenSet(StringComparer.Ordinal),
        [User] = UserPermissions.ToFrozenSet(StringComparer.Ordinal),
        [AgentManager] = AgentManagerPermissions.ToFrozenSet(StringComparer.Ordinal),
        [Admin] = AdminPermissions.ToFrozenSet(StringComparer.Ordinal),
        [Superuser] = Permissions.All.ToFrozenSet(StringComparer.Ordinal),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Gets the built-in role names, least to most privileged.</summary>
    public static IReadOnlyList<string> All { get; } = [Guest, User, AgentManager, Admin, Superuser];

    /// <summary>Gets the permissions of a built-in role.</summary>
    /// <param name="role">The role name.</param>
    /// <returns>The permissions; empty for a name that is no built-in role.</returns>
    public static IReadOnlySet<string> PermissionsOf(string role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return BuiltIn.TryGetValue(role, out var permissions) ? permissions : FrozenSet<string>.Empty;
    }

    /// <summary>Tells whether a name is a built-in role.</summary>
    /// <param name="role">The name.</param>
    /// <returns><see langword="true"/> when it is one of <see cref="All"/>.</returns>
    public static bool IsBuiltIn(string role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return BuiltIn.ContainsKey(role);
    }

    /// <summary>Checks that a set of roles is not empty and names only built-in roles.</summary>
    /// <param name="roles">The roles.</param>
    /// <exception cref="AosValidationException">No role, or an unknown one (named); the field is <c>roles</c>.</exception>
    public static void Validate(IReadOnlyList<string>? roles)
    {
        var unknown = roles?.FirstOrDefault(r => !BuiltIn.ContainsKey(r));
        if (roles is not { Count: > 0 } || unknown is not null)
        {
            throw new AosValidationException($"{(unknown is null ? "No role was given" : $"'{unknown}' is no role")}: give one or more of {string.Join(", ", All)}.") { Field = "roles" };
        }
    }

    /// <summary>Tells whether any of a set of roles grants a permission.</summary>
    /// <param name="roles">The roles.</param>
    /// <param name="permission">The permission.</param>
    /// <returns><see langword="true"/> when one of the roles grants it.</returns>
    public static bool Grants(IEnumerable<string> roles, string permission)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(permission);
        foreach (var role in roles)
        {
            if (BuiltIn.TryGetValue(role, out var permissions) && permissions.Contains(permission))
            {
                return true;
            }
        }

        return false;
    }
}
