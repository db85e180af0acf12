using System.Security.Claims;
using Aos.Agents;
using Aos.Kernel.Registry;
using Aos.Registry;
using Aos.Security;

namespace Aos.Server.Security;

/// <summary>
/// Holds a caller that presented an agent's credential to its agent's grants: over HTTP, an agent may do only what it may do from its
/// own turns, and what it sends carries its id as the source.
/// </summary>
internal static class ActingAgents
{
    /// <summary>Gets the agent the caller acts as, or <see langword="null"/> for a person or an API client.</summary>
    public static string? AgentOf(ClaimsPrincipal caller) => caller.FindFirst(AosClaims.Agent)?.Value;

    /// <summary>Checks that the agent the caller acts as may do something; callers that are no agent pass.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="registry">The agent registry, for the agent's grants as they are now.</param>
    /// <param name="allows">Whether the grants allow it.</param>
    /// <param name="what">What is attempted, as in "may not {what}".</param>
    /// <param name="fix">The grant that would allow it.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The agent's id, to send as; <see langword="null"/> when the caller is no agent.</returns>
    /// <exception cref="AgentGrantException">The agent's grants do not allow it, or the agent is gone; nothing was done.</exception>
    public static async Task<string?> AuthorizeAsync(
        ClaimsPrincipal caller, AgentRegistry registry, Func<AgentGrants, bool> allows, string what, string fix, CancellationToken cancellationToken)
    {
        if (AgentOf(caller) is not { } agent)
        {
            return null;
        }

        AgentRecord record;
        try
        {
            record = await registry.FindAsync(AgentId.Parse(agent), Callers.TenantOf(caller), cancellationToken);
        }
        catch (AgentNotFoundException ex)
        {
            throw new AgentGrantException($"The credential speaks for agent '{agent}', which is not registered (any more) in tenant '{Callers.TenantOf(caller)}': it may do nothing.", ex) { AgentId = agent };
        }

        return allows(record.Descriptor.Grants) ? agent : throw AgentGrantException.Outside(agent, what, fix);
    }
}
