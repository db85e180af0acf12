using Aos.Security;
using Aos.Security.ApiKeys;
using Aos.Security.Tokens;
using Aos.Security.Users;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

/// <summary>
/// Maps <c>/v1/auth</c>: the OAuth 2.0 token endpoint (client credentials: an API key; or a local user's password) for a short-lived
/// access token, and signing-key rotation.
/// </summary>
internal static class AuthEndpoints
{
    public const string RateLimitPolicy = "aos-credentials";

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/v1/auth").WithTags("Identity");
        auth.MapPost("/token", async (HttpRequest request, ApiKeyService keys, UserService users, AccessTokenService tokens, CancellationToken cancellationToken) =>
        {
            if (!request.HasFormContentType)
            {
                throw new TokenRequestException("invalid_request", "Send the token request as application/x-www-form-urlencoded: grant_type=client_credentials&client_secret=<API key>, or grant_type=password&username=…&password=….");
            }

            var form = await request.ReadFormAsync(cancellationToken);
            var grant = form["grant_type"].ToString();
            TokenSubject subject;
            switch (grant)
            {
                case "client_credentials":
                    if (await keys.AuthenticateAsync(form["client_secret"].ToString(), cancellationToken) is not { } key)
                    {
                        throw new TokenRequestException("invalid_client", "The client_secret is not an API key that is known, active and not expired.", StatusCodes.Status401Unauthorized);
                    }

                    subject = new TokenSubject("api-key:" + key.Id, key.Name, key.Tenant, key.Roles, "api-key");
                    break;
                case "password":
                    var tenant = form["tenant"].ToString() is { Length: > 0 } given ? given : AosTenants.Default;
                    var username = form["username"].ToString();
                    var signIn = await users.SignInAsync(tenant, username, form["password"].ToString(), cancellationToken);
                    subject = signIn switch
                    {
                        { Outcome: SignInOutcome.Succeeded, User: { } user } => new TokenSubject($"user:{user.Tenant}/{user.Username}", user.Username, user.Tenant, user.Roles, "user"),
                        { Outcome: SignInOutcome.LockedOut, LockedUntil: { } until } => throw new TokenRequestException(
                            "invalid_grant", $"Too many wrong passwords: the user is locked out until {until:O}."),
                        _ => throw new TokenRequestException("invalid_grant", "The username or password is wrong."),
                    };
                    break;
                default:
                    throw new TokenRequestException("unsupported_grant_type", $"The grant type '{grant}' is not supported: use 'client_credentials' (client_secret = an API key) or 'password' (username, password, tenant).");
            }

            var issued = await tokens.IssueAsync(subject, cancellationToken);
            return TypedResults.Ok(new TokenResponse(issued.AccessToken, "Bearer", (long)issued.Lifetime.TotalSeconds));
        })
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicy)
            .DisableAntiforgery()
            .WithName("Token")
            .WithSummary("Exchanges an API key (client credentials) or a local user's password for a short-lived signed access token.");

        auth.MapPost("/signing-keys/rotate", async (AccessTokenService tokens, CancellationToken cancellationToken) =>
            TypedResults.Ok(new { keyId = await tokens.RotateSigningKeyAsync(cancellationToken) }))
            .RequirePermission(Permissions.SigningKeysRotate)
            .WithName("RotateSigningKey")
            .WithSummary("Starts signing access tokens with a new key; tokens signed with the old one stay valid until they expire.");
        return app;
    }
}

/// <summary>The answer of the token endpoint, as OAuth 2.0 names it.</summary>
/// <param name="access_token">The signed JWT.</param>
/// <param name="token_type">Always <c>Bearer</c>.</param>
/// <param name="expires_in">Seconds until it expires.</param>
#pragma warning disable CA1707, IDE1006 // OAuth 2.0 (RFC 6749 §5.1) names these fields.
public sealed record TokenResponse(string access_token, string token_type, long expires_in);
#pragma warning restore CA1707, IDE1006
