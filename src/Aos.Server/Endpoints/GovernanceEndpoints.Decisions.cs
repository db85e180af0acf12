using System.Security.Claims;
using Aos.Governance.Decisions;
using Aos.Security;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

internal static partial class GovernanceEndpoints
{
    private static void MapDecisions(IEndpointRouteBuilder app)
    {
        var decisions = app.MapGroup("/v1/decisions").WithTags("Decisions");
        decisions.MapPost("/", async (RecordDecisionRequest body, ClaimsPrincipal caller, DecisionLog log, CancellationToken cancellationToken) =>
        {
            var request = new Governance.Decisions.DecisionRequest
            {
                DecidedBy = Callers.EnsureActor(caller, body.DecidedBy, "decidedBy"),
                Time = body.Time,
                Context = body.Context,
                Options = body.Options ?? [],
                Choice = body.Choice ?? string.Empty,
                Rationale = body.Rationale ?? string.Empty,
                Evidence = body.Evidence ?? [],
                Approvals = body.Approvals ?? [],
                AuditEntries = body.AuditEntries ?? [],
            };
            var decision = await log.RecordAsync(Callers.TenantOf(caller), request, cancellationToken);
            return TypedResults.Created($"/v1/decisions/{decision.Id}", decision);
        }).WithName("RecordDecision").WithSummary("Records a decision the caller made, in the caller's tenant: the options, the choice, the rationale, evidence, approvals and audit entries.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.DecisionsWrite);

        decisions.MapGet("/", async (string? decidedBy, string? from, string? to, string? after, int? limit, ClaimsPrincipal caller, DecisionLog log, CancellationToken cancellationToken) =>
        {
            var query = new DecisionQuery { DecidedBy = decidedBy, From = ParseTime(from, "from"), To = ParseTime(to, "to"), After = after, Limit = limit ?? 50 };
            var page = await log.ListAsync(Callers.TenantOf(caller), query, cancellationToken);
            return new DecisionListResponse(page.Items, page.Next);
        }).WithName("ListDecisions").WithSummary("Lists the caller's tenant's decision records, oldest first, filtered by who decided and time (from inclusive, to exclusive).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.DecisionsRead);

        decisions.MapGet("/{id}", async (string id, ClaimsPrincipal caller, DecisionLog log, CancellationToken cancellationToken) =>
            await log.GetAsync(Callers.TenantOf(caller), id, cancellationToken) is { } decision
                ? Results.Ok(decision)
                : NotFound("Decision not found", $"There is no decision '{id}' in this tenant."))
            .WithName("GetDecision").WithSummary("Gets a decision record of the caller's tenant.")
            .Produces<Decision>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.DecisionsRead);
    }
}
