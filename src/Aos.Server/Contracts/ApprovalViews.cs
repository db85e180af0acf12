using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Approvals;

namespace Aos.Server.Contracts;

/// <summary>The body of <c>POST /v1/approvals</c>.</summary>
/// <param name="Id">The approval id; a new one when absent.</param>
/// <param name="Title">What is to be approved.</param>
/// <param name="Description">More detail for the approvers.</param>
/// <param name="RequestedBy">Who asks: always the caller; when given it must name the caller.</param>
/// <param name="Stages">The escalation chain: who is asked first and by when, then whom to ask next.</param>
/// <param name="RequiredApprovals">How many distinct approvers must approve; 1 when absent.</param>
/// <param name="Context">Context for the approvers, a JSON object.</param>
public sealed record RequestApprovalRequest(string? Id, string? Title, string? Description, string? RequestedBy, IReadOnlyList<StageRequest>? Stages, int? RequiredApprovals, JsonObject? Context);

/// <summary>One stage of an escalation chain over HTTP.</summary>
/// <param name="Approvers">Users (<c>alice</c>, <c>user:alice</c>) and roles (<c>role:finance</c>).</param>
/// <param name="Timeout">How long the stage waits: <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>3d</c>, <c>PT24H</c> or <c>d.hh:mm:ss</c>.</param>
public sealed record StageRequest(IReadOnlyList<string>? Approvers, string? Timeout);

/// <summary>The body of <c>POST /v1/approvals/{id}/approve</c> and <c>…/deny</c>.</summary>
/// <param name="By">Who decides: always the caller; when given it must name the caller.</param>
/// <param name="Roles">Refused when given: the decider's roles are those of the caller's credentials.</param>
/// <param name="Comment">Why.</param>
public sealed record DecisionRequest(string? By, IReadOnlyList<string>? Roles, string? Comment);

/// <summary>The body of <c>POST /v1/approvals/{id}/comments</c>.</summary>
/// <param name="By">Who writes it: always the caller; when given it must name the caller.</param>
/// <param name="Text">The comment.</param>
public sealed record CommentRequest(string? By, string? Text);

/// <summary>An approval over HTTP.</summary>
public sealed record ApprovalView
{
    /// <summary>Gets the id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the title.</summary>
    public required string Title { get; init; }

    /// <summary>Gets the description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets who asked.</summary>
    public required string RequestedBy { get; init; }

    /// <summary>Gets the tenant the approval belongs to.</summary>
    public required string Tenant { get; init; }

    /// <summary>Gets the status: pending, approved, denied or expired.</summary>
    public required string Status { get; init; }

    /// <summary>Gets the approvers asked now.</summary>
    public required IReadOnlyList<string> Approvers { get; init; }

    /// <summary>Gets the index of the current stage.</summary>
    public int Stage { get; init; }

    /// <summary>Gets the escalation chain.</summary>
    public required IReadOnlyList<StageView> Stages { get; init; }

    /// <summary>Gets how many approvals are required.</summary>
    public int RequiredApprovals { get; init; }

    /// <summary>Gets when the current stage's deadline passes.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>Gets the decisions given.</summary>
    public required IReadOnlyList<ApprovalVote> Votes { get; init; }

    /// <summary>Gets the comments.</summary>
    public required IReadOnlyList<ApprovalComment> Comments { get; init; }

    /// <summary>Gets what happened.</summary>
    public required IReadOnlyList<ApprovalEvent> History { get; init; }

    /// <summary>Gets the context.</summary>
    public required JsonElement Context { get; init; }

    /// <summary>Gets when it was requested.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets its version.</summary>
    public long Version { get; init; }

    /// <summary>Creates the view of an approval.</summary>
    /// <param name="approval">The approval.</param>
    /// <returns>The view.</returns>
    public static ApprovalView From(Approval approval) => new()
    {
        Id = approval.Id,
        Title = approval.Title,
        Description = approval.Description,
        RequestedBy = approval.RequestedBy,
        Tenant = approval.Tenant,
        Status = approval.Status,
        Approvers = approval.CurrentApprovers,
        Stage = approval.Stage,
        Stages = [.. approval.Stages.Select(s => new StageView(s.Approvers, s.Timeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture)))],
        RequiredApprovals = approval.RequiredApprovals,
        DeadlineAt = approval.DeadlineAt,
        Votes = approval.Votes,
        Comments = approval.Comments,
        History = approval.History,
        Context = JsonElement.Parse(approval.Context),
        CreatedAt = approval.CreatedAt,
        UpdatedAt = approval.UpdatedAt,
        Version = approval.Version,
    };
}

/// <summary>A stage of an escalation chain.</summary>
/// <param name="Approvers">Who is asked.</param>
/// <param name="Timeout">How long they have, as <c>d.hh:mm:ss</c>.</param>
public sealed record StageView(IReadOnlyList<string> Approvers, string Timeout);

/// <summary>A page of approvals.</summary>
/// <param name="Items">The approvals.</param>
/// <param name="Next">The cursor for the next page, or <see langword="null"/>.</param>
public sealed record ApprovalListResponse(IReadOnlyList<ApprovalView> Items, string? Next);
