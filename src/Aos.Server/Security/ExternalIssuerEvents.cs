using System.Security.Claims;
using Aos.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Aos.Server.Security;

/// <summary>
/// Turns a validated token of an external issuer into an AOS principal, and a rejected one into a failure whose message says why without
/// validation internals.
/// </summary>
/// <remarks>
/// The principal carries <c>external:{issuer}/{sub}</c>, the display name, the tenant, the kind <c>external</c> and the mapped AOS roles,
/// and none of the token's other claims, so <see cref="Callers"/> and the permission handler treat it like any AOS principal. Tokens are
/// never logged; a rejection is logged at debug level with the issuer's name and the reason.
/// </remarks>
internal sealed partial class ExternalIssuerEvents(string name, ExternalIssuerOptions options, ILogger<ExternalIssuerEvents> logger) : JwtBearerEvents
{
    /// <summary>Gets the kind (<see cref="AosClaims.Kind"/>) of a principal authenticated by an external issuer.</summary>
    public const string Kind = "external";

    public override Task TokenValidated(TokenValidatedContext context)
    {
        var token = context.Principal!;
        var subject = token.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            return FailAsync(context, $"The token of issuer '{name}' has no subject ('sub').");
        }

        var tenant = options.Tenant;
        if (options.TenantClaim is { Length: > 0 } tenantClaim)
        {
            tenant = token.FindFirst(tenantClaim)?.Value;
            if (string.IsNullOrEmpty(tenant))
            {
                return FailAsync(context, $"The token of issuer '{name}' has no tenant: its '{tenantClaim}' claim ({ExternalIssuerOptions.SectionName}:{name}:TenantClaim) is missing.");
            }

            try
            {
                AosTenants.Validate(tenant);
            }
            catch (AosValidationException)
            {
                return FailAsync(context, $"The token of issuer '{name}' names no valid AOS tenant in its '{tenantClaim}' claim.");
            }
        }

        var roles = token.FindAll(options.RolesClaim)
            .Select(c => options.RoleMap.GetValueOrDefault(c.Value))
            .OfType<string>()
            .Concat(options.DefaultRoles)
            .Distinct(StringComparer.Ordinal);
        var displayName = token.FindFirst(options.NameClaim)?.Value is { Length: > 0 } n ? n : subject;
        Claim[] claims =
        [
            new(ClaimTypes.NameIdentifier, $"external:{name}/{subject}"),
            new(ClaimTypes.Name, displayName),
            new(AosClaims.Tenant, tenant!),
            new(AosClaims.Kind, Kind),
            .. roles.Select(role => new Claim(ClaimTypes.Role, role)),
        ];
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, context.Scheme.Name, ClaimTypes.Name, ClaimTypes.Role));
        return Task.CompletedTask;
    }

    public override Task AuthenticationFailed(AuthenticationFailedContext context)
    {
        if (context.Exception is not SecurityTokenException)
        {
            // The issuer's discovery document or keys could not be fetched; the exception names the address, never the token.
            LogKeysUnavailable(logger, name, context.Exception);
            return FailAsync(context, $"AOS could not fetch the signing keys of issuer '{name}'; try again later.");
        }

        return FailAsync(context, context.Exception switch
        {
            SecurityTokenExpiredException or SecurityTokenNotYetValidException or SecurityTokenInvalidLifetimeException or SecurityTokenNoExpirationException =>
                $"The token of issuer '{name}' is expired or not yet valid; get a new one from the issuer.",
            SecurityTokenInvalidAudienceException => $"The token of issuer '{name}' is not issued for AOS's audience ({ExternalIssuerOptions.SectionName}:{name}:Audience).",
            SecurityTokenSignatureKeyNotFoundException => $"The token of issuer '{name}' is signed with a key the issuer does not publish.",
            SecurityTokenInvalidAlgorithmException => $"The token of issuer '{name}' is not signed with an asymmetric algorithm AOS accepts (RS*, PS*, ES*).",
            SecurityTokenInvalidIssuerException => $"The token's issuer is not issuer '{name}'.",
            SecurityTokenInvalidSignatureException => $"The token of issuer '{name}' has an invalid signature.",
            _ => $"The token of issuer '{name}' is not valid.",
        });
    }

    private Task FailAsync<TOptions>(ResultContext<TOptions> context, string reason)
        where TOptions : AuthenticationSchemeOptions
    {
        LogRejected(logger, name, reason);
        context.Fail(reason);
        return Task.CompletedTask;
    }

    [LoggerMessage(1, LogLevel.Debug, "Refused a token of issuer {Issuer}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string issuer, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Could not fetch the discovery document or signing keys of issuer {Issuer}.")]
    private static partial void LogKeysUnavailable(ILogger logger, string issuer, Exception exception);
}
