using System.Globalization;
using System.Security.Claims;
using Aos.Governance.Audit;
using Aos.Security;
using Aos.Security.Roles;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

internal static partial class GovernanceEndpoints
{
    private const string AllTenants = "*";

    private static void MapAudit(IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/v1/audit").WithTags("Audit");
        audit.MapGet("/", async (
            string? actor, string? action, string? resource, string? level, string? from, string? to, string? after, int? limit, string? tenant,
            ClaimsPrincipal caller, RoleCatalog roles, [FromServices] IAuditLog log, CancellationToken cancellationToken) =>
        {
            if (!TryScope(caller, roles, tenant, out var scope))
            {
                return TypedResults.Problem(
                    $"Only a principal with '{Permissions.TenantsManage}' may read another tenant's audit entries ('tenant={tenant}'); leave 'tenant' out to read the caller's own.",
                    statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
            }

            if (limit is < 1 or > AuditQuery.MaxLimit)
            {
                throw new AosValidationException($"The limit must be 1 to {AuditQuery.MaxLimit}; it was {limit}.") { Field = "limit" };
            }

            var query = new AuditQuery
            {
                Tenant = scope,
                Actor = actor,
                Action = action,
                Resource = resource,
                Level = level is null ? null : ParseEnum<AuditLevel>(level, "level"),
                From = ParseTime(from, "from"),
                To = ParseTime(to, "to"),
                After = after is null ? null
                    : long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) ? cursor
                    : throw new AosValidationException($"'{after}' is not a cursor: pass the 'next' value of the previous page.") { Field = "after" },
                Limit = limit ?? 100,
            };
            var page = await log.QueryAsync(query, cancellationToken);
            return Results.Ok(new AuditListResponse(page.Entries, page.Next?.ToString(CultureInfo.InvariantCulture)));
        }).WithName("QueryAudit").WithSummary(
            "Lists the caller's tenant's audit entries in insertion order, filtered by actor, action, resource, level (info, warning, critical) and time (from inclusive, to exclusive), 100 a page by default; a principal with tenants:manage may pass tenant=NAME, or tenant=* for every tenant.")
            .Produces<AuditListResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .RequirePermission(Permissions.AuditRead);

        audit.MapPost("/verify", async ([FromServices] IAuditLog log, CancellationToken cancellationToken) => await log.VerifyAsync(cancellationToken))
            .WithName("VerifyAudit").WithSummary("Verifies this node's whole audit log (chain and signed checkpoints) and names the first bad entry and what is wrong with it.")
            .Produces<AuditVerification>()
            .RequirePermission(Permissions.AuditVerify);

        audit.MapGet("/export", ([FromServices] IAuditLog log, CancellationToken cancellationToken) =>
            Results.Stream(stream => log.ExportAsync(stream, cancellationToken), "application/x-ndjson", "audit.jsonl"))
            .WithName("ExportAudit").WithSummary("Streams this node's whole audit log as JSON Lines (checkpoints first, then entries), to verify offline with the checkpoint keys.")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson")
            .RequirePermission(Permissions.AuditVerify);
    }

    /// <summary>Finds the tenant whose entries a caller reads: its own, or, with tenants:manage, the one it names (<c>*</c> for every tenant, a <see langword="null"/> scope).</summary>
    private static bool TryScope(ClaimsPrincipal caller, RoleCatalog roles, string? tenant, out string? scope)
    {
        var own = Callers.TenantOf(caller);
        scope = own;
        if (tenant is null || string.Equals(tenant, own, StringComparison.Ordinal))
        {
            return true;
        }

        if (!Callers.Holds(caller, roles, Permissions.TenantsManage))
        {
            return false;
        }

        scope = tenant == AllTenants ? null : tenant;
        return true;
    }
}
