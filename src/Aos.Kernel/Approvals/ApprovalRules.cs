using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aos.Approvals;

namespace Aos.Kernel.Approvals;

/// <summary>The rules of an approval, as pure functions of the approval and the time.</summary>
/// <remarks>
/// Approvers are users (<c>user:alice</c> or <c>alice</c>: the user <c>alice</c> of the approval's tenant), agents (<c>agent:auditor</c>)
/// and roles (<c>role:finance</c>). Only an approver of the current stage may approve or deny, once; approvals given at earlier stages
/// still count. Whoever requested an approval may deny it (withdraw it) but never approve it. A single denial decides; <see cref="Approval.RequiredApprovals"/>
/// distinct approvals approve. When a stage's deadline passes the next stage is asked, with its own deadline; after the last, the
/// approval expires. A decided or expired approval refuses further decisions; comments are always welcome.
/// </remarks>
public static partial class ApprovalRules
{
    /// <summary>The actor recorded for a deadline.</summary>
    public const string TimerActor = "timer";

    /// <summary>The most approvers in one stage, and the most stages.</summary>
    public const int MaxApprovers = 100;

    /// <summary>Validates a request and creates the approval.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The approval id.</param>
    /// <param name="now">The time.</param>
    /// <returns>The pending approval, asking its first stage.</returns>
    /// <exception cref="AosValidationException">The request is invalid; the message says which part.</exception>
    public static Approval Create(ApprovalRequest request, string id, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!NamePattern().IsMatch(id))
        {
            throw Invalid("id", $"The approval id '{id}' is invalid: use 1–128 letters, digits, '.', '-', '_' or ':'.");
        }

        if (string.IsNullOrWhiteSpace(request.Title))
        {
            throw Invalid("title", "The approval needs a 'title': what is to be approved.");
        }

        if (string.IsNullOrWhiteSpace(request.RequestedBy))
        {
            throw Invalid("requestedBy", "The approval needs 'requestedBy': who asks.");
        }

        if (request.Stages is null || request.Stages.Length == 0 || request.Stages.Length > MaxApprovers)
        {
            throw Invalid("stages", $"The approval needs 1 to {MaxApprovers} stages, each {{approvers, timeout}}: who is asked first and by when, then whom to ask next.");
        }

        for (var i = 0; i < request.Stages.Length; i++)
        {
            var stage = request.Stages[i];
            if (stage?.Approvers is null || stage.Approvers.Length == 0 || stage.Approvers.Length > MaxApprovers)
            {
                throw Invalid($"stages[{i}].approvers", $"Stage {i} needs 1 to {MaxApprovers} approvers: users ('alice' or 'user:alice') or roles ('role:finance').");
            }

            var invalid = Array.FindIndex(stage.Approvers, a => a is null || !ApproverPattern().IsMatch(a));
            if (invalid >= 0)
            {
                throw Invalid($"stages[{i}].approvers", $"Stage {i} has an invalid approver '{stage.Approvers[invalid]}': write a user as 'alice' or 'user:alice', an agent as 'agent:auditor' and a role as 'role:finance'.");
            }

            if (stage.Timeout <= TimeSpan.Zero)
            {
                throw Invalid($"stages[{i}].timeout", $"Stage {i} has the timeout {stage.Timeout}; it must be positive.");
            }
        }

        if (request.RequiredApprovals < 1 || request.RequiredApprovals > MaxApprovers)
        {
            throw Invalid("requiredApprovals", $"requiredApprovals is {request.RequiredApprovals}; it must be between 1 and {MaxApprovers}.");
        }

        Security.AosTenants.Validate(request.Tenant);
        var first = request.Stages[0];
        return new Approval
        {
            Id = id,
            Title = request.Title,
            Description = request.Description,
            RequestedBy = request.RequestedBy,
            Stages = [.. request.Stages],
            RequiredApprovals = request.RequiredApprovals,
            DeadlineAt = now + first.Timeout,
            Context = ParseContext(request.Context),
            Notify = request.Notify,
            Tenant = request.Tenant,
            History = [new ApprovalEvent("created", now, request.RequestedBy, $"asked {string.Join(", ", first.Approvers)}; deadline {now + first.Timeout:O}")],
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
    }

    /// <summary>Records an approver's decision.</summary>
    /// <param name="approval">The approval.</param>
    /// <param name="approve">Whether they approve (otherwise deny).</param>
    /// <param name="by">Who decides.</param>
    /// <param name="roles">The roles they hold.</param>
    /// <param name="comment">Why, if they say.</param>
    /// <param name="now">The time.</param>
    /// <returns>The approval after the decision.</returns>
    /// <exception cref="ApprovalRefusedException">The approval is not pending, they are not an approver now, or they already decided.</exception>
    public static Approval Decide(Approval approval, bool approve, string by, IReadOnlyCollection<string> roles, string? comment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        ArgumentNullException.ThrowIfNull(roles);
        if (approval.Status != ApprovalStatus.Pending)
        {
            throw new ApprovalRefusedException($"Approval '{approval.Id}' is {approval.Status}; it takes no more decisions.");
        }

        if (approve && string.Equals(by, approval.RequestedBy, StringComparison.Ordinal))
        {
            throw new ApprovalRefusedException($"'{by}' requested approval '{approval.Id}' and cannot approve it; another approver must.");
        }

        if (!approval.CurrentApprovers.Any(a => Matches(a, by, roles, approval.Tenant)))
        {
            throw new ApprovalRefusedException($"'{by}' is not an approver of '{approval.Id}' now; the approvers asked are {string.Join(", ", approval.CurrentApprovers)}.");
        }

        if (approval.Votes.Any(v => v.By == by))
        {
            throw new ApprovalRefusedException($"'{by}' has already decided on approval '{approval.Id}'; a decision counts once.");
        }

        var votes = (ApprovalVote[])[.. approval.Votes, new ApprovalVote(by, approve, now, comment)];
        var approvals = votes.Count(v => v.Approved);
        var (status, kind, detail) = !approve
            ? (ApprovalStatus.Denied, "denied", comment ?? "denied")
            : approvals >= approval.RequiredApprovals
                ? (ApprovalStatus.Approved, "approved", $"{approvals} of {approval.RequiredApprovals} approvals")
                : (ApprovalStatus.Pending, "voted", $"approved: {approvals} of {approval.RequiredApprovals} approvals");
        return approval with
        {
            Status = status,
            Votes = votes,
            DeadlineAt = status == ApprovalStatus.Pending ? approval.DeadlineAt : null,
            Comments = comment is null ? approval.Comments : [.. approval.Comments, new ApprovalComment(by, now, comment)],
            History = [.. approval.History, new ApprovalEvent(kind, now, by, detail)],
            UpdatedAt = now,
            Version = approval.Version + 1,
        };
    }

    /// <summary>Adds a comment.</summary>
    /// <param name="approval">The approval.</param>
    /// <param name="by">Who comments.</param>
    /// <param name="text">The comment.</param>
    /// <param name="now">The time.</param>
    /// <returns>The approval with the comment.</returns>
    public static Approval Comment(Approval approval, string by, string text, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (string.IsNullOrWhiteSpace(by) || string.IsNullOrWhiteSpace(text))
        {
            throw Invalid(string.IsNullOrWhiteSpace(by) ? "by" : "text", "A comment needs 'by' (who writes it) and 'text'.");
        }

        return approval with
        {
            Comments = [.. approval.Comments, new ApprovalComment(by, now, text)],
            History = [.. approval.History, new ApprovalEvent("commented", now, by, text.Length <= 80 ? text : text[..80] + "…")],
            UpdatedAt = now,
            Version = approval.Version + 1,
        };
    }

    /// <summary>Escalates to the next stage, or expires after the last, when the current deadline has passed.</summary>
    /// <param name="approval">The approval.</param>
    /// <param name="now">The time.</param>
    /// <returns>The approval after the deadline; the same approval when nothing is due.</returns>
    public static Approval ApplyDeadline(Approval approval, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (approval.Status != ApprovalStatus.Pending || approval.DeadlineAt is not { } due || due > now)
        {
            return approval;
        }

        if (approval.Stage + 1 < approval.Stages.Length)
        {
            var next = approval.Stages[approval.Stage + 1];
            return approval with
            {
                Stage = approval.Stage + 1,
                DeadlineAt = now + next.Timeout,
                History = [.. approval.History, new ApprovalEvent("escalated", now, TimerActor, $"no decision by {due:O}; asked {string.Join(", ", next.Approvers)}")],
                UpdatedAt = now,
                Version = approval.Version + 1,
            };
        }

        return approval with
        {
            Status = ApprovalStatus.Expired,
            DeadlineAt = null,
            History = [.. approval.History, new ApprovalEvent("expired", now, TimerActor, $"no decision by {due:O}, the last deadline")],
            UpdatedAt = now,
            Version = approval.Version + 1,
        };
    }

    /// <summary>Tells whether an actor with roles is one of the given approvers.</summary>
    /// <param name="approver">An approver: <c>alice</c>, <c>user:alice</c>, <c>agent:auditor</c> or <c>role:finance</c>.</param>
    /// <param name="by">The actor: a principal id (<c>user:{tenant}/alice</c>, <c>agent:auditor</c>, <c>api-key:…</c>) or a plain name.</param>
    /// <param name="roles">The actor's roles in the approval's tenant.</param>
    /// <param name="tenant">The approval's tenant: a user approver is the user of that name in it.</param>
    /// <returns><see langword="true"/> when they match.</returns>
    public static bool Matches(string approver, string by, IReadOnlyCollection<string> roles, string tenant = Security.AosTenants.Default)
    {
        ArgumentNullException.ThrowIfNull(approver);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(roles);
        if (approver.StartsWith("role:", StringComparison.Ordinal))
        {
            return roles.Contains(approver[5..], StringComparer.Ordinal);
        }

        if (approver.StartsWith("agent:", StringComparison.Ordinal))
        {
            return string.Equals(approver, by, StringComparison.Ordinal);
        }

        var user = approver.StartsWith("user:", StringComparison.Ordinal) ? approver[5..] : approver;
        return string.Equals(user, by, StringComparison.Ordinal) || string.Equals(string.Concat("user:", tenant, "/", user), by, StringComparison.Ordinal);
    }

    private static string ParseContext(string? context)
    {
        if (string.IsNullOrWhiteSpace(context))
        {
            return "{}";
        }

        try
        {
            return (JsonNode.Parse(context) as JsonObject ?? throw Invalid("context", "The context must be a JSON object.")).ToJsonString();
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new AosValidationException($"The context is not valid JSON: {ex.Message}", ex) { Field = "context" };
        }
    }

    private static AosValidationException Invalid(string field, string message) => new(message) { Field = field };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^((user|role|agent):)?[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")]
    private static partial Regex ApproverPattern();
}
