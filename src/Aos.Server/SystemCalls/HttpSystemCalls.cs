using System.Collections.Frozen;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Aos.Security;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Aos.SystemCalls;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.SystemCalls;

/// <summary>Names the HTTP API's system calls and describes a request as one.</summary>
/// <remarks>
/// Every route that changes something (any method but GET, HEAD and OPTIONS) is a system call. Its action is the dotted name below,
/// looked up by the route's endpoint name; a route missing from the table is named <c>http.{endpoint-name}</c> and the coverage test fails.
/// </remarks>
public static class HttpSystemCalls
{
    /// <summary>Gets the action of each changing route, by endpoint name.</summary>
    public static FrozenDictionary<string, string> Actions { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["RegisterAgents"] = "agent.register",
        ["DeregisterAgent"] = "agent.deregister",
        ["SendEvent"] = SystemCallNames.MessageSend,
        ["SendRequest"] = SystemCallNames.MessageRequest,
        ["CreateAgentCredential"] = "agent-credential.create",
        ["SetAgentGrants"] = "agent.set-grants",
        ["CreateApiKey"] = "api-key.create",
        ["RevokeApiKey"] = "api-key.revoke",
        ["RequestApproval"] = "approval.request",
        ["Approve"] = "approval.approve",
        ["Deny"] = "approval.deny",
        ["CommentApproval"] = "approval.comment",
        ["Token"] = "token.issue",
        ["RotateSigningKey"] = "signing-key.rotate",
        ["Backup"] = "backup.create",
        ["PublishMessage"] = SystemCallNames.MessagePublish,
        ["SendMessage"] = SystemCallNames.MessageSend,
        ["BroadcastMessage"] = SystemCallNames.MessageBroadcast,
        ["ReplayDeadLetter"] = "dead-letter.replay",
        ["DiscardDeadLetter"] = "dead-letter.discard",
        ["SetConversationRoles"] = "conversation.set-roles",
        ["SignOffConversation"] = "conversation.sign-off",
        ["Subscribe"] = SystemCallNames.SubscriptionAdd,
        ["Unsubscribe"] = SystemCallNames.SubscriptionRemove,
        ["CreateRole"] = "role.create",
        ["UpdateRole"] = "role.update",
        ["DeleteRole"] = "role.delete",
        ["AssignRoles"] = "role.assign",
        ["UnassignRoles"] = "role.unassign",
        ["RevokeToken"] = "token.revoke",
        ["IntrospectToken"] = "token.introspect",
        ["EndSession"] = "session.end",
        ["RegisterStateMachine"] = "state-machine.define",
        ["StartStateMachineInstance"] = "state-machine.start",
        ["FireStateMachineEvent"] = "state-machine.fire",
        ["SnapshotStateMachineInstance"] = "state-machine.snapshot",
        ["RollbackStateMachineInstance"] = "state-machine.rollback",
        ["CreateTenant"] = "tenant.create",
        ["DeleteTenant"] = "tenant.delete",
        ["CreateUser"] = "user.create",
        ["DeleteUser"] = "user.delete",
        ["RegisterWorkflow"] = "workflow.define",
        ["StartWorkflowRun"] = "workflow.start",
        ["CancelWorkflowRun"] = "workflow.cancel",
        ["SignalWorkflowRun"] = "workflow.signal",
        ["PutComplianceFramework"] = "compliance-framework.write",
        ["DeleteComplianceFramework"] = "compliance-framework.delete",
        ["AssertCompliance"] = "compliance.assert",
        ["VerifyAudit"] = "audit.verify",
        ["RecordDecision"] = "decision.record",
        ["PutPolicy"] = "policy.write",
        ["DeletePolicy"] = "policy.delete",
        ["ValidatePolicy"] = "policy.validate",
        ["DryRunPolicy"] = "policy.dry-run",
        ["ExplainPolicy"] = "policy.explain",
        ["CreateRisk"] = "risk.create",
        ["UpdateRisk"] = "risk.update",
        ["AddMitigation"] = "risk.mitigate",
        ["ReviewRisk"] = "risk.review",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Returns whether a route with these methods is a system call: it may change something.</summary>
    /// <param name="methods">The route's HTTP methods.</param>
    /// <returns><see langword="true"/> unless every method only reads.</returns>
    public static bool IsSystemCall(IReadOnlyList<string>? methods) =>
        methods is { Count: > 0 } && methods.Any(m => !HttpMethods.IsGet(m) && !HttpMethods.IsHead(m) && !HttpMethods.IsOptions(m));

    /// <summary>Returns whether an endpoint is a system call.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns><see langword="true"/> for a route that may change something.</returns>
    public static bool IsSystemCall(Endpoint? endpoint) => IsSystemCall(endpoint?.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods);

    /// <summary>Returns the action of a route by its endpoint name.</summary>
    /// <param name="endpointName">The endpoint name, or <see langword="null"/>.</param>
    /// <returns>The action.</returns>
    public static string ActionOf(string? endpointName) =>
        endpointName is not null && Actions.TryGetValue(endpointName, out var action) ? action : "http." + Kebab(endpointName ?? "unnamed");

    /// <summary>Describes a request as a system call.</summary>
    /// <param name="context">The request.</param>
    /// <param name="payload">The request's payload, if any.</param>
    /// <param name="authorizer">The check the authorization stage runs, if any.</param>
    /// <param name="body">The request's bound body, when it has been read; a broadcast's and a subscription's resource come from it.</param>
    /// <returns>The call.</returns>
    /// <remarks>
    /// A messaging call names its resource as an agent's does (<see cref="SystemCallResources"/>: <c>agent:{id}</c>, <c>topic:{topic}</c>,
    /// <c>agents:{prefix}*</c>), so that one policy rule covers a send whichever door it comes through. Every other call, and a broadcast
    /// or subscription refused before its body was read, names the route's path without <c>/v1/</c>.
    /// </remarks>
    internal static SystemCall Describe(HttpContext context, JsonElement? payload, ISystemCallAuthorizer? authorizer, object? body = null)
    {
        var caller = context.User;
        var endpoint = context.GetEndpoint();
        var endpointName = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        var path = context.Request.Path.Value ?? "/";
        var route = path.StartsWith("/v1/", StringComparison.Ordinal) ? path[4..] : path.TrimStart('/');
        var agent = route.StartsWith("agents/", StringComparison.Ordinal) && context.Request.RouteValues.TryGetValue("id", out var id) ? id as string : null;
        return new SystemCall
        {
            Action = ActionOf(endpointName),
            Resource = MessagingResourceOf(endpointName, context, body) ?? route,
            Tenant = caller.Identity?.IsAuthenticated == true ? Callers.TenantOf(caller) : AosTenants.Default,
            Actor = ActorOf(caller),
            Agent = agent,
            Payload = payload,
            Id = context.Request.Headers["Idempotency-Key"].FirstOrDefault(),
            Authorizer = authorizer,
        };
    }

    private static string? MessagingResourceOf(string? endpointName, HttpContext context, object? body) => endpointName switch
    {
        "SendEvent" or "SendRequest" or "SendMessage" when RouteValue(context, "id") is { } target => SystemCallResources.Agent(target),
        "PublishMessage" when RouteValue(context, "topic") is { } topic => SystemCallResources.Topic(topic),
        "BroadcastMessage" when body is PostMessageRequest message => SystemCallResources.Broadcast(message.Prefix ?? string.Empty),
        "Subscribe" when body is SubscriptionRequest { Pattern: { } pattern } => SystemCallResources.Topic(pattern),
        "Unsubscribe" when context.Request.Query["pattern"] is [{ Length: > 0 } pattern] => SystemCallResources.Topic(pattern),
        _ => null,
    };

    private static string? RouteValue(HttpContext context, string name) =>
        context.Request.RouteValues.TryGetValue(name, out var value) && value is string { Length: > 0 } text ? text : null;

    private static string ActorOf(ClaimsPrincipal caller) =>
        caller.Identity?.IsAuthenticated == true && Callers.IdOf(caller) is { Length: > 0 } id ? id : "anonymous";

    private static string Kebab(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
