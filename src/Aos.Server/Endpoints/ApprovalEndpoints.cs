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
        approvals.MapPost("/", async (RequestApprovalRequest body, ApprovalClient client) =>
        {
            var approval = await client.RequestAsync(ToRequest(body));
            return TypedResults.Created($"/v1/approvals/{approval.Id}", ApprovalView.From(approval));
        }).WithName("RequestApproval").WithSummary("Requests an approval: approvers (users, roles), a deadline per stage, and whom to ask when a deadline passes.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.ApprovalsRequest);

        approvals.MapGet("/", async (string? approver, string? roles, string? after, int? limit, ApprovalClient client) =>
        {
            var (items, next) = await client.ListPendingAsync(approver, Roles(roles), after, limit ?? DefaultPageSize);
            return new ApprovalListResponse([.. items.Select(ApprovalView.From)], next);
        }).WithName("ListPendingApprovals").WithSummary("Lists pending approvals; with approver (and roles=a,b) only those that actor may decide now.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.ApprovalsRead);

        approvals.MapGet("/{id}", async (string id, ApprovalClient client) => ApprovalView.From(await client.GetAsync(id)))
            .WithName("GetApproval").WithSummary("Gets an approval: status, approvers asked now, deadline, votes, comments, history.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.ApprovalsRead);

        approvals.MapPost("/{id}/approve", (string id, DecisionRequest body, ApprovalClient client) => DecideAsync(id, true, body, client))
            .WithName("Approve").WithSummary("Approves, as an approver asked now; approved once the required number have.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.ApprovalsDecide);

        approvals.MapPost("/{id}/deny", (string id, DecisionRequest body, ApprovalClient client) => DecideAsync(id, false, body, client))
            .WithName("Deny").WithSummary("Denies, as an approver asked now; one denial decides.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permissions.ApprovalsDecide);

        approvals.MapPost("/{id}/comments", async (string id, CommentRequest body, ApprovalClient client) =>
            ApprovalView.From(await client.CommentAsync(id, body.By ?? string.Empty, body.Text ?? string.Empty)))
            .WithName("CommentApproval").WithSummary("Adds a comment to an approval.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permissions.ApprovalsRequest);

        return app;
    }

    private static async Task<ApprovalView> DecideAsync(string id, bool approve, DecisionRequest body, ApprovalClient client)
    {
        if (string.IsNullOrWhiteSpace(body.By))
        {
            throw new AosValidationException("The body needs 'by': who decides, for instance {\"by\": \"alice\", \"roles\": [\"finance\"]}.") { Field = "by" };
        }

        return ApprovalView.From(await client.DecideAsync(id, approve, body.By, [.. body.Roles ?? []], body.Comment));
    }

    private static ApprovalRequest ToRequest(RequestApprovalRequest body)
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
            RequestedBy = body.RequestedBy ?? "http",
            Stages = [.. stages],
            RequiredApprovals = body.RequiredApprovals ?? 1,
            Context = body.Context?.ToJsonString(),
        };
    }

    private static string[] Roles(string? roles) =>
        string.IsNullOrWhiteSpace(roles) ? [] : roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
