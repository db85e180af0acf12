using System.Security.Claims;
using Aos.Governance.Risks;
using Aos.Security;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

internal static partial class GovernanceEndpoints
{
    private static void MapRisks(IEndpointRouteBuilder app)
    {
        var risks = app.MapGroup("/v1/risks").WithTags("Risks");
        risks.MapPost("/", async (CreateRiskRequest body, ClaimsPrincipal caller, RiskRegistry registry, CancellationToken cancellationToken) =>
        {
            var request = new RiskRequest
            {
                Title = body.Title ?? string.Empty,
                Description = body.Description,
                Category = body.Category,
                Likelihood = body.Likelihood ?? throw new AosValidationException("Give the 'likelihood', 1 (rare) to 5 (almost certain).") { Field = "likelihood" },
                Impact = body.Impact ?? throw new AosValidationException("Give the 'impact', 1 (negligible) to 5 (severe).") { Field = "impact" },
                Owner = body.Owner ?? string.Empty,
                Status = body.Status ?? RiskStatus.Identified,
                ReviewInterval = ParseDuration(body.ReviewInterval, "reviewInterval"),
            };
            var risk = await registry.CreateAsync(Callers.TenantOf(caller), request, cancellationToken);
            return TypedResults.Created($"/v1/risks/{risk.Id}", risk);
        }).WithName("CreateRisk").WithSummary("Records a risk in the caller's tenant: title, likelihood and impact (1 to 5), owner, status identified or assessed, review interval.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.RisksWrite);

        risks.MapGet("/", async (
            string? status, string? level, string? owner, bool? dueForReview, string? after, int? limit, ClaimsPrincipal caller, RiskRegistry registry, CancellationToken cancellationToken) =>
        {
            var tenant = Callers.TenantOf(caller);
            if (dueForReview == true)
            {
                if (status is not null || level is not null || owner is not null || after is not null)
                {
                    throw new AosValidationException("dueForReview=true lists every risk due now, longest overdue first: give it without status, level, owner or after.") { Field = "dueForReview" };
                }

                var due = await registry.ListDueForReviewAsync(tenant, cancellationToken: cancellationToken);
                return new RiskListResponse([.. due.Take(limit ?? due.Count)], null);
            }

            var query = new RiskQuery
            {
                Status = status is null ? null : ParseEnum<RiskStatus>(status, "status"),
                Level = level is null ? null : ParseEnum<RiskLevel>(level, "level"),
                Owner = owner,
                After = after,
                Limit = limit ?? 50,
            };
            var page = await registry.ListAsync(tenant, query, cancellationToken);
            return new RiskListResponse(page.Items, page.Next);
        }).WithName("ListRisks").WithSummary("Lists the caller's tenant's risks, oldest first, filtered by status, level and owner; with dueForReview=true those due for review, longest overdue first.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.RisksRead);

        risks.MapGet("/{id}", async (string id, ClaimsPrincipal caller, RiskRegistry registry, CancellationToken cancellationToken) =>
            Found(id, await registry.GetAsync(Callers.TenantOf(caller), id, cancellationToken)))
            .WithName("GetRisk").WithSummary("Gets a risk of the caller's tenant, with its score, level, mitigations and review dates.")
            .Produces<Risk>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.RisksRead);

        risks.MapPut("/{id}", async (string id, UpdateRiskRequest body, ClaimsPrincipal caller, RiskRegistry registry, CancellationToken cancellationToken) =>
        {
            var update = new RiskUpdate
            {
                Likelihood = body.Likelihood,
                Impact = body.Impact,
                Owner = body.Owner,
                Status = body.Status,
                ReviewInterval = ParseDuration(body.ReviewInterval, "reviewInterval"),
                IfMatch = body.IfMatch,
            };
            return Found(id, await registry.UpdateAsync(Callers.TenantOf(caller), id, update, cancellationToken));
        }).WithName("UpdateRisk").WithSummary("Changes a risk's likelihood, impact, owner, status or review interval (what is absent is kept); accepted and closed risks change only to reopen them (status assessed).")
            .Produces<Risk>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.RisksWrite);

        risks.MapPost("/{id}/mitigations", async (string id, AddMitigationRequest body, ClaimsPrincipal caller, RiskRegistry registry, CancellationToken cancellationToken) =>
        {
            var request = new MitigationRequest { Description = body.Description ?? string.Empty, Owner = body.Owner, Status = body.Status, IfMatch = body.IfMatch };
            return Found(id, await registry.AddMitigationAsync(Callers.TenantOf(caller), id, request, cancellationToken));
        }).WithName("AddMitigation").WithSummary("Adds a mitigation to a risk and sets the risk mitigating.")
            .Produces<Risk>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.RisksWrite);

        risks.MapPost("/{id}/review", async (string id, ReviewRiskRequest? body, ClaimsPrincipal caller, RiskRegistry registry, CancellationToken cancellationToken) =>
            Found(id, await registry.MarkReviewedAsync(Callers.TenantOf(caller), id, body?.IfMatch, cancellationToken)))
            .WithName("ReviewRisk").WithSummary("Records that a risk was reviewed now: it is next due one review interval from now.")
            .Produces<Risk>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.RisksWrite);
    }

    private static IResult Found(string id, Risk? risk) =>
        risk is null ? NotFound("Risk not found", $"There is no risk '{id}' in this tenant.") : Results.Ok(risk);
}
