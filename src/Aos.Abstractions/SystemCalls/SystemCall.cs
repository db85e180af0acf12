using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Messaging;

namespace Aos.SystemCalls;

/// <summary>Describes one boundary crossing — an agent's send, an HTTP admin action, a storage write — as it passes the system-call pipeline.</summary>
/// <remarks>
/// A call is made by one caller for one operation and is not shared between threads. Stages read its identity, may replace its
/// <see cref="Payload"/> (redaction) and add <see cref="Annotations"/> (the policy decision, the approval that released it), which the
/// audit stage records with the outcome.
/// </remarks>
public sealed class SystemCall
{
    private JsonObject? _annotations;

    /// <summary>Gets what is done, a dotted name such as <c>message.send</c>, <c>storage.write</c> or <c>agent.register</c>.</summary>
    public required string Action { get; init; }

    /// <summary>Gets what it is done to, such as <c>agent:billing</c>, <c>topic:orders.created</c> (<see cref="SystemCallResources"/>) or an HTTP route's path, <c>policies/finance</c>.</summary>
    public required string Resource { get; init; }

    /// <summary>Gets the tenant the call is made in.</summary>
    public required string Tenant { get; init; }

    /// <summary>Gets who makes the call: <c>agent:{id}</c>, <c>user:{tenant}/{name}</c>, <c>api-key:{id}</c> or, for a workflow step's, <c>workflow:{workflow}/{run}</c>.</summary>
    public required string Actor { get; init; }

    /// <summary>Gets the agent the call is made by or for, when there is one.</summary>
    public string? Agent { get; init; }

    /// <summary>Gets or sets the data the call carries (a message's payload, a request's body), read by policy conditions and redacted in place.</summary>
    public JsonElement? Payload { get; set; }

    /// <summary>Gets how urgent the call is; under load, less urgent calls are refused first.</summary>
    /// <value>The default is <see cref="MessagePriority.Normal"/>.</value>
    public MessagePriority Priority { get; init; } = MessagePriority.Normal;

    /// <summary>Gets what identifies this call among repeats of it, such as a message id, or <see langword="null"/> when nothing does.</summary>
    /// <remarks>A call held for approval is held under one approval per identity, so a repeat of a held call waits for the same decision.</remarks>
    public string? Id { get; init; }

    /// <summary>Gets the check of the caller's rights the authorization stage runs, or <see langword="null"/> when the door the call came through checked them.</summary>
    public ISystemCallAuthorizer? Authorizer { get; init; }

    /// <summary>Gets what the stages found out about the call, recorded with it in the audit log.</summary>
    public JsonObject Annotations => _annotations ??= [];

    /// <summary>Gets a value indicating whether any stage annotated the call.</summary>
    public bool HasAnnotations => _annotations is { Count: > 0 };
}
