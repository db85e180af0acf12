using Aos.Security;
using Aos.Security.ApiKeys;
using Aos.Security.Sessions;
using Aos.Security.Tokens;
using Aos.Security.Users;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

/// <summary>
/// Maps <c>/v1/auth</c>: the OAuth 2.0 token endpoint (client credentials: an API key; a local user's password, which starts a session
/// with a refresh token; or a refresh token) for a short-lived access token, and signing-key rotation.
/// </summary>
internal static class AuthEndpoints
{
    public const string RateLimitPolicy = "aos-credentials";

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/v1/auth").WithTags("Identity");
        auth.MapPost("/token", async (HttpRequest request, ApiKeyService keys, UserService users, SessionService sessions, AccessTokenService tokens, CancellationToken cancellationToken) =>
        {
            if (!request.HasFormContentType)
            {
                throw new TokenRequestException("invalid_request", "Send the token request as application/x-www-form-urlencoded: grant_type=client_credentials&client_secret=<API key>, grant_type=password&username=…&password=…, or grant_type=refresh_token&refresh_token=….");
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
                    var user = signIn switch
                    {
                        { Outcome: SignInOutcome.Succeeded, User: { } signedIn } => signedIn,
                        { Outcome: SignInOutcome.LockedOut, LockedUntil: { } until } => throw new TokenRequestException(
                            "invalid_grant", $"Too many wrong passwords: the user is locked out until {until:O}."),
                        _ => throw new TokenRequestException("invalid_grant", "The username or password is wrong."),
                    };
                    return Answer(await sessions.StartAsync(user, cancellationToken));
                case "refresh_token":
                    var refreshed = await sessions.RefreshAsync(form["refresh_token"].ToString(), cancellationToken);
                    return refreshed switch
                    {
                        { Outcome: RefreshOutcome.Succeeded, Tokens: { } issuedInSession } => Answer(issuedInSession),
                        { Outcome: RefreshOutcome.Reused } => throw new TokenRequestException(
                            "invalid_grant", "The refresh token was already used. A refresh token is good for one refresh; as it may have been stolen, its session is ended now. Sign in again."),
                        { Outcome: RefreshOutcome.Expired, Session: { } expired } => throw new TokenRequestException(
                            "invalid_grant", $"The session expired at {expired.ExpiresAt:O} (unused too long, or at its absolute limit). Sign in again."),
                        { Outcome: RefreshOutcome.Revoked, Session: { } revoked } => throw new TokenRequestException(
                            "invalid_grant", $"The session was ended at {revoked.RevokedAt:O}: {revoked.RevokedReason}. Sign in again."),
                        _ => throw new TokenRequestException(
                            "invalid_grant", "The refresh_token is not a refresh token of any session: give the one the last sign-in or refresh returned."),
                    };
                default:
                    throw new TokenRequestException("unsupported_grant_type", $"The grant type '{grant}' is not supported: use 'client_credentials' (client_secret = an API key), 'password' (username, password, tenant) or 'refresh_token' (refresh_token).");
            }

            var issued = await tokens.IssueAsync(subject, cancellationToken);
            return TypedResults.Ok(new TokenResponse(issued.AccessToken, "Bearer", (long)issued.Lifetime.TotalSeconds));
        })
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicy)
            .DisableAntiforgery()
            .WithName("Token")
            .WithSummary("Exchanges an API key (client credentials), a local user's password or a refresh token for a short-lived signed access token; the last two also return the session's next refresh token.");

        auth.MapPost("/signing-keys/rotate", async (AccessTokenService tokens, CancellationToken cancellationToken) =>
            TypedResults.Ok(new { keyId = await tokens.RotateSigningKeyAsync(cancellationToken) }))
            .RequirePermission(Permissions.SigningKeysRotate)
            .WithName("RotateSigningKey")
            .WithSummary("Starts signing access tokens with a new key; tokens signed with the old one stay valid until they expire.");
        return app;
    }

    private static Ok<TokenResponse> Answer(SessionTokens issued) =>
        TypedResults.Ok(new TokenResponse(issued.AccessToken.AccessToken, "Bearer", (long)issued.AccessToken.Lifetime.TotalSeconds, issued.RefreshToken));
}

/// <summary>The answer of the token endpoint, as OAuth 2.0 names it.</summary>
/// <param name="access_token">The signed JWT.</param>
/// <param name="token_type">Always <c>Bearer</c>.</param>
/// <param name="expires_in">Seconds until it expires.</param>
/// <param name="refresh_token">The session's next refresh token (password and refresh grants); none for client credentials (RFC 6749 §4.4.3).</param>
#pragma warning disable CA1707, IDE1006 // OAuth 2.0 (RFC 6749 §5.1) names these fields.
public sealed record TokenResponse(string access_token, string token_type, long expires_in, string? refresh_token = null);
#pragma warning restore CA1707, IDE1006
