using Aos.Agents;

namespace Aos.Security.ApiKeys;

/// <summary>Revokes an agent's credentials (the API keys that speak for it) when the agent is deleted.</summary>
/// <remarks>Revoked keys stay listed, with when they were revoked; none authenticates again, even for an agent registered later with the same id.</remarks>
/// <param name="keys">The API keys.</param>
public sealed class AgentCredentialRevoker(ApiKeyService keys) : IAgentDeletionParticipant
{
    /// <inheritdoc />
    public async ValueTask OnAgentDeletingAsync(AgentDescriptor agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        await keys.RevokeAgentKeysAsync(agent.Tenant, agent.Id.Value, cancellationToken).ConfigureAwait(false);
    }
}
