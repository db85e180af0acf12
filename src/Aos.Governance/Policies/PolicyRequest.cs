using System.Text.Json;

namespace Aos.Governance.Policies;

/// <summary>Represents what a system call presents to the policy engine.</summary>
public sealed record PolicyRequest
{
    /// <summary>Gets who makes the call: a user, an API key or an agent.</summary>
    public required string Actor { get; init; }

    /// <summary>Gets the agent the call is made by or for, when there is one.</summary>
    public string? Agent { get; init; }

    /// <summary>Gets the action, such as <c>agent.send</c>, <c>workflow.start</c> or <c>storage.write</c>.</summary>
    public required string Action { get; init; }

    /// <summary>Gets the resource the call acts on, when there is one.</summary>
    public string? Resource { get; init; }

    /// <summary>Gets the tenant the call is made in, when there is one.</summary>
    public string? Tenant { get; init; }

    /// <summary>Gets the payload of the call, read by <c>payload.*</c> conditions, when there is one.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Gets the risk level of the call.</summary>
    /// <value>The default is <see cref="PolicyRiskLevel.Low"/>.</value>
    public PolicyRiskLevel Risk { get; init; }

    /// <summary>Gets the time of the call, or <see langword="null"/> for the engine's current time.</summary>
    public DateTimeOffset? Time { get; init; }
}
