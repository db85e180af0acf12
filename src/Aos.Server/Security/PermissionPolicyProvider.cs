using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Aos.Server.Security;

/// <summary>Builds the policy <c>aos-permission:{permission}</c> on demand: an authenticated principal whose roles grant the permission.</summary>
internal sealed class PermissionPolicyProvider(IOptions<AuthorizationOptions> options) : DefaultAuthorizationPolicyProvider(options)
{
    public const string Prefix = "aos-permission:";

    public override async Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
    {
        if (!policyName.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return await base.GetPolicyAsync(policyName).ConfigureAwait(false);
        }

        // No scheme named: the principal is the default scheme's, an API key, an AOS token or an external issuer's token alike.
        return new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .AddRequirements(new PermissionRequirement(policyName[Prefix.Length..]))
            .Build();
    }
}
