using System.Security.Claims;
using System.Text.Encodings.Web;
using Aos.Security.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aos.Server.Security;

/// <summary>Authenticates <c>Authorization: Bearer aos_…</c> with an API key; the principal carries the key's tenant and roles.</summary>
/// <remarks>
/// No <c>Authorization</c> header is no result (the route's policy then answers 401); a header that is not a bearer API key, or a key
/// that is unknown, wrong, revoked or expired, fails with a message that says which of those without echoing the key. The key itself
/// is never logged: only its prefix, which identifies it.
/// </remarks>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "aos";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue("Authorization", out var values) || values.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var header = values.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header is not 'Bearer <API key>'.");
        }

        var presented = header["Bearer ".Length..].Trim();
        if (!ApiKeyService.TrySplit(presented, out _, out _))
        {
            return AuthenticateResult.Fail("The bearer credential is not an AOS API key ('aos_' followed by the key id and secret).");
        }

        if (await keys.AuthenticateAsync(presented, Context.RequestAborted).ConfigureAwait(false) is not { } key)
        {
            return AuthenticateResult.Fail("The API key is unknown, revoked or expired.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, "api-key:" + key.Id),
            new(ClaimTypes.Name, key.Name),
            new(AosClaims.Tenant, key.Tenant),
            new(AosClaims.Kind, "api-key"),
            new(AosClaims.KeyPrefix, key.Prefix),
        };
        claims.AddRange(key.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
