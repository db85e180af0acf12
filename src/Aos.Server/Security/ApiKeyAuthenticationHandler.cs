using System.Security.Claims;
using System.Text.Encodings.Web;
using Aos.Security;
using Aos.Security.ApiKeys;
using Aos.Security.Roles;
using Aos.Security.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aos.Server.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer …</c> with an API key (<c>aos_…</c>) or an AOS access token (a JWT from <c>/v1/auth/token</c>);
/// the principal carries the tenant and roles of the key, or those the token was issued with.
/// </summary>
/// <remarks>
/// <para>
/// A principal acts in its own tenant with its own roles. With <c>X-Aos-Tenant: {tenant}</c> it acts in that tenant instead: a principal
/// holding <see cref="Permissions.TenantsManage"/> keeps its own roles; any other gets only the roles assigned to it there
/// (<see cref="RoleService.AssignAsync"/>), so without an assignment, or in a tenant that does not exist, it holds no role and every route
/// answers 403 saying why. The claims <see cref="AosClaims.Tenant"/> and <see cref="AosClaims.RoleTenant"/> name the acting tenant and
/// the tenant whose custom roles the role claims name; <see cref="AosClaims.HomeTenant"/> the principal's own.
/// </para>
/// <para>
/// An access token issued in a sign-in session is refused once the session ended (on other nodes than the one that ended it, within
/// seconds: see <see cref="SessionService.IsActiveAsync"/>), and so is a token revoked by its <c>jti</c>.
/// </para>
/// <para>
/// No <c>Authorization</c> header is no result (the route's policy then answers 401); a header that is not a bearer credential, or a key
/// or token that is unknown, wrong, revoked or expired, fails with a message that says which of those without echoing it. Neither is
/// ever logged.
/// </para>
/// </remarks>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys,
    SessionService sessions,
    RoleCatalog roles)
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
            return AuthenticateResult.Fail("The Authorization header is not 'Bearer <API key or access token>'.");
        }

        var presented = header["Bearer ".Length..].Trim();
        var claims = new List<Claim>();
        if (presented.StartsWith(ApiKeyService.KeyPrefix, StringComparison.Ordinal))
        {
            if (!ApiKeyService.TrySplit(presented, out _, out _))
            {
                return AuthenticateResult.Fail("The bearer credential is not an AOS API key ('aos_' followed by the key id and secret).");
            }

            if (await keys.AuthenticateAsync(presented, Context.RequestAborted).ConfigureAwait(false) is not { } key)
            {
                return AuthenticateResult.Fail("The API key is unknown, revoked or expired.");
            }

            claims.AddRange(key.Agent is { } agent
                ? Claims("agent:" + agent, agent, key.Tenant, "agent", key.Roles)
                : Claims("api-key:" + key.Id, key.Name, key.Tenant, "api-key", key.Roles));
            claims.Add(new Claim(AosClaims.KeyPrefix, key.Prefix));
            if (key.Agent is { } actingAgent)
            {
                claims.Add(new Claim(AosClaims.Agent, actingAgent));
            }
        }
        else if (await sessions.ValidateAccessTokenAsync(presented, Context.RequestAborted).ConfigureAwait(false) is { } token)
        {
            claims.AddRange(Claims(token.Subject.Id, token.Subject.Name, token.Subject.Tenant, token.Subject.Kind, token.Subject.Roles));
            if (token.Subject.SessionId is { } sid)
            {
                claims.Add(new Claim(AosClaims.SessionId, sid));
            }
        }
        else
        {
            return AuthenticateResult.Fail("The bearer credential is neither an AOS API key nor a valid, unexpired, unrevoked AOS access token (of a session that has not ended).");
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private IEnumerable<Claim> Claims(string id, string name, string home, string kind, IReadOnlyList<string> own)
    {
        var (acting, roleTenant, held) = (home, home, own);
        if (Request.Headers[AosClaims.TenantHeader].ToString() is { Length: > 0 } requested && requested != home)
        {
            // An unknown tenant or a missing assignment leaves no role: every route then answers 403 and says which.
            acting = requested;

            // An agent never leaves its tenant: its credential holds no role anywhere else, whatever is assigned there.
            if (kind == "agent" || !roles.TenantExists(requested))
            {
                held = [];
            }
            else if (!roles.Grants(home, own, Permissions.TenantsManage))
            {
                (roleTenant, held) = (requested, roles.AssignedRoles(requested, id));
            }
        }

        return
        [
            new(ClaimTypes.NameIdentifier, id),
            new(ClaimTypes.Name, name),
            new(AosClaims.Tenant, acting),
            new(AosClaims.HomeTenant, home),
            new(AosClaims.RoleTenant, roleTenant),
            new(AosClaims.Kind, kind),
            .. held.Select(role => new Claim(ClaimTypes.Role, role)),
        ];
    }
}
