using System.Security.Claims;
using Aos.Security;
using Aos.Security.Roles;
using Aos.Security.Sessions;
using Aos.Security.Tokens;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Server.Endpoints;

/// <summary>
/// Maps token revocation (RFC 7009) and introspection (RFC 7662) under <c>/v1/auth</c>, and <c>/v1/auth/sessions</c>: list and end
/// sign-in sessions.
/// </summary>
/// <remarks>
/// A caller may see and end its own sessions and tokens (<see cref="Permissions.SessionsOwn"/>), and with
/// <see cref="Permissions.SessionsManage"/> every one of its tenant (with <see cref="Permissions.TenantsManage"/>, of any tenant). A
/// token the caller may not see is answered like an unknown one, so that the answers tell nothing about it.
/// </remarks>
internal static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/v1/auth").WithTags("Identity").RequirePermission(Permissions.SessionsOwn);
        auth.MapPost("/revoke", async (HttpRequest request, ClaimsPrincipal caller, SessionService sessions, AccessTokenService tokens, RoleCatalog roles, CancellationToken cancellationToken) =>
        {
            var token = await ReadTokenAsync(request, "revoke", cancellationToken);
            if (token.StartsWith(SessionService.RefreshTokenPrefix, StringComparison.Ordinal))
            {
                if (await sessions.FindByRefreshTokenAsync(token, includeSpent: true, cancellationToken) is { } session && MayManage(caller, roles, session.Tenant, session.SubjectId))
                {
                    await sessions.RevokeAsync(session.Tenant, session.Id, ReasonFor(caller, session.SubjectId), cancellationToken);
                }
            }
            else if (await tokens.ValidateAsync(token, cancellationToken) is { } access && MayManage(caller, roles, access.Subject.Tenant, access.Subject.Id))
            {
                // Only this token: its session, if any, goes on (end it with the refresh token or DELETE /v1/auth/sessions/{id}).
                await tokens.RevokeAsync(access, cancellationToken);
            }

            return Results.Ok();
        })
            .DisableAntiforgery()
            .WithName("RevokeToken")
            .WithSummary("Revokes a token (RFC 7009): a refresh token ends its session, an access token stops being accepted. Answers 200 for unknown tokens too.");

        auth.MapPost("/introspect", async (HttpRequest request, ClaimsPrincipal caller, SessionService sessions, RoleCatalog roles, CancellationToken cancellationToken) =>
        {
            var token = await ReadTokenAsync(request, "introspect", cancellationToken);
            var now = (request.HttpContext.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
            if (token.StartsWith(SessionService.RefreshTokenPrefix, StringComparison.Ordinal))
            {
                return await sessions.FindByRefreshTokenAsync(token, includeSpent: false, cancellationToken) is { } session && session.IsActiveAt(now) && MayManage(caller, roles, session.Tenant, session.SubjectId)
                    ? TypedResults.Ok(new IntrospectionResponse(true)
                    {
                        sub = session.SubjectId,
                        tenant = session.Tenant,
                        roles = session.Roles,
                        exp = session.ExpiresAt.ToUnixTimeSeconds(),
                        iat = session.LastUsedAt.ToUnixTimeSeconds(),
                        sid = session.Id,
                        token_type = "refresh_token",
                        username = session.SubjectName,
                    })
                    : TypedResults.Ok(new IntrospectionResponse(false));
            }

            return await sessions.ValidateAccessTokenAsync(token, cancellationToken) is { } access && MayManage(caller, roles, access.Subject.Tenant, access.Subject.Id)
                ? TypedResults.Ok(new IntrospectionResponse(true)
                {
                    sub = access.Subject.Id,
                    tenant = access.Subject.Tenant,
                    roles = access.Subject.Roles,
                    exp = access.ExpiresAt.ToUnixTimeSeconds(),
                    iat = access.IssuedAt.ToUnixTimeSeconds(),
                    sid = access.Subject.SessionId,
                    jti = access.TokenId,
                    token_type = "access_token",
                    client_id = access.Subject.Kind == "api-key" ? access.Subject.Id : null,
                    username = access.Subject.Kind == "user" ? access.Subject.Name : null,
                })
                : TypedResults.Ok(new IntrospectionResponse(false));
        })
            .DisableAntiforgery()
            .WithName("IntrospectToken")
            .WithSummary("Tells whether a token is active and whom it speaks for (RFC 7662); a token the caller may not see is reported inactive.");

        auth.MapGet("/sessions", async (bool? all, ClaimsPrincipal caller, SessionService sessions, RoleCatalog roles, CancellationToken cancellationToken) =>
        {
            if (all == true && !Callers.Holds(caller, roles, Permissions.SessionsManage))
            {
                return Results.Problem(
                    $"Listing every session of the tenant (all=true) requires the permission '{Permissions.SessionsManage}'; without it, leave 'all' out to list your own.",
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Forbidden");
            }

            var subject = all == true ? null : caller.FindFirstValue(ClaimTypes.NameIdentifier);
            return TypedResults.Ok(new { items = await sessions.ListAsync(Callers.TenantOf(caller), subject, cancellationToken).ToListAsync(cancellationToken) });
        })
            .WithName("ListSessions")
            .WithSummary("Lists the caller's sign-in sessions, newest first; with all=true (sessions:manage) every session of its tenant.");

        auth.MapDelete("/sessions/{id}", async (string id, ClaimsPrincipal caller, SessionService sessions, RoleCatalog roles, CancellationToken cancellationToken) =>
        {
            var tenant = Callers.TenantOf(caller);
            if (await sessions.GetAsync(tenant, id, cancellationToken) is not { } session || !MayManage(caller, roles, session.Tenant, session.SubjectId))
            {
                return Results.Problem(
                    $"There is no session '{id}' of the caller's (or, with '{Permissions.SessionsManage}', of its tenant); list them with GET /v1/auth/sessions.",
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Session not found");
            }

            return TypedResults.Ok(await sessions.RevokeAsync(session.Tenant, session.Id, ReasonFor(caller, session.SubjectId), cancellationToken));
        })
            .WithName("EndSession")
            .WithSummary("Ends a sign-in session: its refresh token and access tokens stop working (on other nodes within seconds).");
        return app;
    }

    /// <summary>Tells whether the caller may see and end a token or session: its own, or its tenant's with sessions:manage.</summary>
    private static bool MayManage(ClaimsPrincipal caller, RoleCatalog roles, string tenant, string subjectId) =>
        caller.FindFirstValue(ClaimTypes.NameIdentifier) == subjectId
        || (Callers.Holds(caller, roles, Permissions.SessionsManage) && (Callers.TenantOf(caller) == tenant || Callers.Holds(caller, roles, Permissions.TenantsManage)));

    private static string ReasonFor(ClaimsPrincipal caller, string subjectId) =>
        caller.FindFirstValue(ClaimTypes.NameIdentifier) == subjectId ? "signed out" : $"ended by {caller.FindFirstValue(ClaimTypes.NameIdentifier)}";

    private static async Task<string> ReadTokenAsync(HttpRequest request, string what, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            throw new TokenRequestException("invalid_request", $"Send the {what} request as application/x-www-form-urlencoded: token=<access or refresh token>[&token_type_hint=access_token|refresh_token].");
        }

        var form = await request.ReadFormAsync(cancellationToken);
        return form["token"].ToString() is { Length: > 0 } token
            ? token
            : throw new TokenRequestException("invalid_request", $"The form field 'token' is missing: give the access or refresh token to {what}.");
    }
}

/// <summary>The answer of token introspection, as RFC 7662 names its fields; an inactive token has only <c>active</c>.</summary>
/// <param name="active">Whether the token is valid now and the caller may see it.</param>
#pragma warning disable CA1707, IDE1006 // RFC 7662 §2.2 names these fields.
public sealed record IntrospectionResponse(bool active)
{
    /// <summary>Gets the principal id.</summary>
    public string? sub { get; init; }

    /// <summary>Gets the tenant the principal acts in.</summary>
    public string? tenant { get; init; }

    /// <summary>Gets the principal's roles.</summary>
    public IReadOnlyList<string>? roles { get; init; }

    /// <summary>Gets when the token expires, in seconds since the Unix epoch.</summary>
    public long? exp { get; init; }

    /// <summary>Gets when the token was issued, in seconds since the Unix epoch.</summary>
    public long? iat { get; init; }

    /// <summary>Gets the sign-in session the token belongs to.</summary>
    public string? sid { get; init; }

    /// <summary>Gets the access token's id.</summary>
    public string? jti { get; init; }

    /// <summary>Gets <c>access_token</c> or <c>refresh_token</c>.</summary>
    public string? token_type { get; init; }

    /// <summary>Gets the API key's principal id, for a token of client credentials.</summary>
    public string? client_id { get; init; }

    /// <summary>Gets the user's name, for a token of a sign-in.</summary>
    public string? username { get; init; }
}
#pragma warning restore CA1707, IDE1006
