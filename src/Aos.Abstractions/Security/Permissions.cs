namespace Aos.Security;

/// <summary>Names what a principal may do: every HTTP route and system call requires one of these.</summary>
/// <remarks>A permission is <c>{resource}:{action}</c>. Roles (<see cref="AosRoles"/>) are sets of permissions.</remarks>
public static class Permissions
{
    /// <summary>Read agents, their types, descriptors and context.</summary>
    public const string AgentsRead = "agents:read";

    /// <summary>Register, change and deregister agents, and their subscriptions.</summary>
    public const string AgentsWrite = "agents:write";

    /// <summary>Send events, requests and messages to agents; publish on topics; broadcast.</summary>
    public const string MessagesSend = "messages:send";

    /// <summary>Read message status, dead letters and conversations.</summary>
    public const string MessagesRead = "messages:read";

    /// <summary>Replay dead letters, or discard them.</summary>
    public const string MessagesReplay = "messages:replay";

    /// <summary>Set the roles a conversation requires to sign it off.</summary>
    public const string ConversationsManage = "conversations:manage";

    /// <summary>Sign a conversation off in a role.</summary>
    public const string ConversationsSign = "conversations:sign";

    /// <summary>Read approvals.</summary>
    public const string ApprovalsRead = "approvals:read";

    /// <summary>Request approvals and comment on them.</summary>
    public const string ApprovalsRequest = "approvals:request";

    /// <summary>Approve or deny; the approval's own approvers and roles still decide who may.</summary>
    public const string ApprovalsDecide = "approvals:decide";

    /// <summary>Read state machines and their instances.</summary>
    public const string StateMachinesRead = "state-machines:read";

    /// <summary>Define state machines.</summary>
    public const string StateMachinesDefine = "state-machines:define";

    /// <summary>Start instances, fire events, take snapshots and roll back.</summary>
    public const string StateMachinesRun = "state-machines:run";

    /// <summary>Read workflow definitions and runs.</summary>
    public const string WorkflowsRead = "workflows:read";

    /// <summary>Register workflow definitions.</summary>
    public const string WorkflowsDefine = "workflows:define";

    /// <summary>Start, cancel and signal workflow runs.</summary>
    public const string WorkflowsRun = "workflows:run";

    /// <summary>Take backups of the node.</summary>
    public const string SystemBackup = "system:backup";

    /// <summary>Create, list and revoke API keys of the principal's tenant.</summary>
    public const string ApiKeysManage = "api-keys:manage";

    /// <summary>Create, list and delete the local users of the principal's tenant.</summary>
    public const string UsersManage = "users:manage";

    /// <summary>See and end one's own sign-in sessions and tokens, and introspect one's own tokens.</summary>
    public const string SessionsOwn = "sessions:own";

    /// <summary>See, introspect and end every sign-in session and token of the principal's tenant.</summary>
    public const string SessionsManage = "sessions:manage";
    /// <summary>Create, change and delete the custom roles of the principal's tenant, and assign roles in it to principals of other tenants.</summary>
    public const string RolesManage = "roles:manage";

    /// <summary>Rotate the keys that sign access tokens.</summary>
    public const string SigningKeysRotate = "signing-keys:rotate";

    /// <summary>Read compliance frameworks, assert audited actions against them and summarise the tenant's compliance rate.</summary>
    public const string ComplianceRead = "compliance:read";

    /// <summary>Create, replace and delete custom compliance frameworks, which hold for the whole installation.</summary>
    public const string ComplianceManage = "compliance:manage";

    /// <summary>Create, list and delete tenants, and act in every tenant: the permissions of a role hold across tenants.</summary>
    public const string TenantsManage = "tenants:manage";

    /// <summary>Read the audit log's entries of the principal's tenant.</summary>
    public const string AuditRead = "audit:read";

    /// <summary>Verify and export the whole installation's audit log.</summary>
    public const string AuditVerify = "audit:verify";

    /// <summary>Read the installation's policies, validate and dry-run candidates, and explain decisions.</summary>
    public const string PoliciesRead = "policies:read";

    /// <summary>Write and delete the installation's policies.</summary>
    public const string PoliciesWrite = "policies:write";

    /// <summary>Read the risks of the principal's tenant.</summary>
    public const string RisksRead = "risks:read";

    /// <summary>Record risks of the principal's tenant, change them and add mitigations.</summary>
    public const string RisksWrite = "risks:write";

    /// <summary>Read the decision records of the principal's tenant.</summary>
    public const string DecisionsRead = "decisions:read";

    /// <summary>Record a decision in the principal's tenant, as the principal.</summary>
    public const string DecisionsWrite = "decisions:write";

    /// <summary>Gets every permission, in the order declared.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        AgentsRead, AgentsWrite, MessagesSend, MessagesRead, MessagesReplay, ConversationsManage, ConversationsSign,
        ApprovalsRead, ApprovalsRequest, ApprovalsDecide, StateMachinesRead, StateMachinesDefine, StateMachinesRun,
        WorkflowsRead, WorkflowsDefine, WorkflowsRun, SystemBackup, ApiKeysManage, UsersManage, RolesManage, SessionsOwn, SessionsManage, SigningKeysRotate,
        TenantsManage, AuditRead, AuditVerify, PoliciesRead, PoliciesWrite, RisksRead, RisksWrite, DecisionsRead, DecisionsWrite, ComplianceRead, ComplianceManage,
    ];
}
