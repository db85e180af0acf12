using System.Security.Claims;
using Aos.Security.Roles;
using Aos.Server.SystemCalls;
using Aos.SystemCalls;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Aos.Server.Security;

/// <summary>Answers a refused request with RFC 7807 problem details: 401 without valid credentials, 403 without the permission.</summary>
/// <remarks>
/// The 401 says what was wrong with the credentials without echoing them; the 403 names the permission the route requires, or says that
/// the tenant named in <c>X-Aos-Tenant</c> does not exist or that the caller holds no role there.
/// </remarks>
internal sealed class ProblemAuthorizationResultHandler(IProblemDetailsService problems, RoleCatalog roles, ISystemCallInvoker systemCalls) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            // The default scheme's handler keeps its result for the request, so this reads why the credentials failed without checking them again.
            var failure = (await context.AuthenticateAsync().ConfigureAwait(false)).Failure?.Message;
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = failure is null ? "Bearer realm=\"aos\"" : "Bearer realm=\"aos\", error=\"invalid_token\"";
            await WriteAsync(context, "Unauthorized", failure ?? "This route requires 'Authorization: Bearer <API key or access token>'. The admin key of a node is in <data>/credentials/admin.key; tokens come from POST /v1/auth/token.").ConfigureAwait(false);
            return;
        }

        if (authorizeResult.Forbidden)
        {
            var missing = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<PermissionRequirement>().Select(r => r.Permission).FirstOrDefault();
            var (tenant, home) = (Callers.TenantOf(context.User), Callers.HomeTenantOf(context.User));
            var detail = tenant != home && !roles.TenantExists(tenant)
                ? $"There is no tenant '{tenant}' ({AosClaims.TenantHeader}); GET /v1/tenants lists them, or leave the header out to act in the caller's tenant '{home}'."
                : tenant != home && !context.User.HasClaim(c => c.Type == ClaimTypes.Role)
                ? $"The caller has no role in tenant '{tenant}': an admin of '{tenant}' can assign one with PUT /v1/role-assignments/{Callers.IdOf(context.User)} ({AosClaims.TenantHeader}: {tenant}), or leave the header out to act in the caller's tenant '{home}'."
                : missing is null
                ? "The credentials do not grant access to this route."
                : $"The credentials do not grant the permission '{missing}' in this tenant, which this route requires.";
            await AuditRefusalAsync(context, detail).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await WriteAsync(context, "Forbidden", detail).ConfigureAwait(false);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
    }

    /// <summary>Runs a refused system call through the pipeline, whose authorization stage refuses it again, so the refusal is audited.</summary>
    private async Task AuditRefusalAsync(HttpContext context, string detail)
    {
        if (!HttpSystemCalls.IsSystemCall(context.GetEndpoint()))
        {
            return;
        }

        try
        {
            await systemCalls.InvokeAsync(HttpSystemCalls.Describe(context, null, new SystemCallRefusal(detail)), static (_, _) => ValueTask.FromResult(true), context.RequestAborted).ConfigureAwait(false);
        }
        catch (SystemCallForbiddenException)
        {
            // Expected: the refusal went through the pipeline and was recorded.
        }
    }

    private async Task WriteAsync(HttpContext context, string title, string detail) =>
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = context.Response.StatusCode, Title = title, Detail = detail },
        }).ConfigureAwait(false);
}
