using System.Security.Claims;
using Aos.Approvals;
using Aos.Kernel;
using Aos.Kernel.Approvals;
using Aos.Security;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

/// <summary>Maps the approval resources under <c>/v1/approvals</c>.</summary>
internal static class ApprovalEndpoints
{
    private const int DefaultPageSize = 100;

    public static IEndpointRouteBuilder MapApprovalEndpoints(this IEndpointRouteBuilder app)
    {
        var approvals = app.MapGroup("/v1/approvals").WithTags("Approvals");
        approvals.MapPost("/", async (RequestApprovalRequest body, ClaimsPrincipal caller, ApprovalClient client) =>
        {
            var approval = await client.RequestAsync(ToRequest(body, caller));
            return TypedResults.Created($"/v1/approvals/{approval.Id}", ApprovalView.From(approval));
        }).WithName("RequestApproval").WithSummary("Requests an approval in the caller's tenant, as the caller: approvers (users, agents, roles), a deadline per stage, and whom to ask when a deadline passes.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.ApprovalsRequest);

        approvals.MapGet("/", async (string? approver, string? roles, bool? mine, string? after, int? limit, ClaimsPrincipal caller, ApprovalClient client) =>
        {
            if (mine == true && (approver is not null || roles is not null))
            {
                throw new AosValidationException("Give either mine=true (what the caller may decide now) or approver and roles, not both.") { Field = "mine" };
            }

            var (items, next) = mine == true
                ? await client.ListPendingAsync(Callers.IdOf(caller), Callers.RolesOf(caller), after, limit ?? DefaultPageSize, Callers.TenantOf(caller))
                : await client.ListPendingAsync(approver, Roles(roles), after, limit ?? DefaultPageSize, Callers.TenantOf(caller));
            return new ApprovalListResponse([.. items.Select(ApprovalView.From)], next);
        }).WithName("ListPendingApprovals").WithSummary("Lists the tenant's pending approvals; with mine=true only those the caller may decide now, with approver (and roles=a,b) those that actor may.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.ApprovalsRead);

        approvals.MapGet("/{id}", async (string id, ClaimsPrincipal caller, ApprovalClient client) => ApprovalView.From(await client.GetAsync(id, Callers.TenantOf(caller))))
            .WithName("GetApproval").WithSummary("Gets an approval: status, approvers asked now, deadline, votes, comments, history.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.ApprovalsRead);

        approvals.MapPost("/{id}/approve", (string id, DecisionRequest body, ClaimsPrincipal caller, ApprovalClient client) => DecideAsync(id, true, body, caller, client))
            .WithName("Approve").WithSummary("Approves as the caller, who must be an approver asked now (by name or role) and not the requester; approved once the required number have.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.ApprovalsDecide);

        approvals.MapPost("/{id}/deny", (string id, DecisionRequest body, ClaimsPrincipal caller, ApprovalClient client) => DecideAsync(id, false, body, caller, client))
            .WithName("Deny").WithSummary("Denies as the caller, who must be an approver asked now; one denial decides.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.ApprovalsDecide);

        approvals.MapPost("/{id}/comments", async (string id, CommentRequest body, ClaimsPrincipal caller, ApprovalClient client) =>
            ApprovalView.From(await client.CommentAsync(id, Callers.EnsureActor(caller, body.By, "by"), body.Text ?? string.Empty, Callers.TenantOf(caller))))
            .WithName("CommentApproval").WithSummary("Adds a comment to an approval, as the caller.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.ApprovalsRequest);

        return app;
    }

    private static async Task<ApprovalView> DecideAsync(string id, bool approve, DecisionRequest body, ClaimsPrincipal caller, ApprovalClient client)
    {
        var by = Callers.EnsureActor(caller, body.By, "by");
        if (body.Roles is not null)
        {
            throw new AosValidationException("'roles' cannot be given: the decider's roles are those of the caller's credentials in its tenant; leave 'roles' out.") { Field = "roles" };
        }

        return ApprovalView.From(await client.DecideAsync(id, approve, by, Callers.RolesOf(caller), body.Comment, Callers.TenantOf(caller)));
    }

    private static ApprovalRequest ToRequest(RequestApprovalRequest body, ClaimsPrincipal caller)
    {
        var stages = (body.Stages ?? []).Select((stage, i) => new ApprovalStage(
            [.. stage?.Approvers ?? []],
            Durations.TryParse(stage?.Timeout, out var timeout)
                ? timeout
                : throw new AosValidationException($"Stage {i} has the timeout '{stage?.Timeout}', which is not a duration; write it as {Durations.Forms}.") { Field = $"stages[{i}].timeout" }));
        return new ApprovalRequest
        {
            Id = body.Id,
            Title = body.Title ?? string.Empty,
            Description = body.Description,
            RequestedBy = Callers.EnsureActor(caller, body.RequestedBy, "requestedBy"),
            Tenant = Callers.TenantOf(caller),
            Stages = [.. stages],
            RequiredApprovals = body.RequiredApprovals ?? 1,
            Context = body.Context?.ToJsonString(),
        };
    }

    private static string[] Roles(string? roles) =>
        string.IsNullOrWhiteSpace(roles) ? [] : roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
