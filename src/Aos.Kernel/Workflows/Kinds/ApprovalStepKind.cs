using System.Text.Json;
using Aos.Approvals;
using Aos.Kernel.Approvals;
using Aos.Workflows;

namespace Aos.Kernel.Workflows.Kinds;

/// <summary>
/// Asks people for an approval and completes when it is approved; a denial or an expiry fails the step for good.
/// </summary>
/// <remarks>
/// Input: <c>{"title": "Budget 2027", "approvers": ["role:finance"], "timeout": "2d", "requiredApprovals": 1}</c>, or an escalation chain
/// as <c>"stages": [{"approvers": ["alice"], "timeout": "1d"}, {"approvers": ["role:cfo"], "timeout": "2d"}]</c>. The approval's id is
/// the attempt's idempotency key, so asking again after a crash finds the same approval; it tells the step when it is decided. The approval
/// belongs to the run's tenant.
/// </remarks>
internal sealed class ApprovalStepKind(ApprovalClient approvals) : IWorkflowStepKind
{
    public string Kind => "approval";

    public async ValueTask<WorkflowStepOutcome> StartAsync(WorkflowStepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        Approval approval;
        try
        {
            approval = await approvals.GetAsync(context.IdempotencyKey, context.Tenant);
        }
        catch (ApprovalNotFoundException)
        {
            approval = await approvals.RequestAsync(Request(context));
        }

        return Outcome(approval);
    }

    /// <summary>Maps an approval to the outcome of the step that asked for it.</summary>
    internal static WorkflowStepOutcome Outcome(Approval approval) => approval.Status switch
    {
        ApprovalStatus.Approved => WorkflowStepOutcome.Completed(JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["approvalId"] = approval.Id,
            ["status"] = approval.Status,
            ["approvedBy"] = approval.Votes.Where(v => v.Approved).Select(v => v.By).ToArray(),
        })),
        ApprovalStatus.Pending => WorkflowStepOutcome.Waiting(),
        _ => WorkflowStepOutcome.Failed(
            $"approval '{approval.Id}' {approval.Status}{(approval.Votes.LastOrDefault(v => !v.Approved) is { } denial ? $" by {denial.By}{(denial.Comment is null ? string.Empty : ": " + denial.Comment)}" : string.Empty)}",
            final: true),
    };

    private static ApprovalRequest Request(WorkflowStepContext context)
    {
        var stages = new List<ApprovalStage>();
        if (StepInput.Property(context, "stages") is { ValueKind: JsonValueKind.Array } array)
        {
            var i = 0;
            foreach (var stage in array.EnumerateArray())
            {
                stages.Add(Stage(context, stage, $"stages[{i++}]"));
            }
        }
        else
        {
            stages.Add(Stage(context, context.Input ?? default, string.Empty));
        }

        var required = StepInput.Property(context, "requiredApprovals") is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var count) ? count : 1;
        return new ApprovalRequest
        {
            Id = context.IdempotencyKey,
            Tenant = context.Tenant,
            Title = StepInput.OptionalString(context, "title") ?? $"{context.Workflow}: {context.StepId}",
            Description = StepInput.OptionalString(context, "description"),
            RequestedBy = StepInput.OptionalString(context, "requestedBy") ?? "workflow:" + context.RunId,
            Stages = [.. stages],
            RequiredApprovals = required,
            Context = JsonSerializer.Serialize(new Dictionary<string, object?> { ["workflow"] = context.Workflow, ["run"] = context.RunId, ["step"] = context.StepId, ["input"] = context.RunInput }),
            Notify = new WorkflowStepAddress(context.RunId, context.StepId, context.Attempt, context.Iteration, context.Compensating).ToString(),
        };
    }

    private static ApprovalStage Stage(WorkflowStepContext context, JsonElement stage, string path)
    {
        var prefix = path.Length == 0 ? string.Empty : path + ".";
        var approvers = stage.ValueKind == JsonValueKind.Object && stage.TryGetProperty("approvers", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(a => a.GetString() ?? string.Empty).ToArray()
            : throw StepInput.Invalid(context, prefix + "approvers", $"needs '{prefix}approvers' in its input: users ('alice') or roles ('role:finance')");
        var timeout = stage.TryGetProperty("timeout", out var t) && t.ValueKind == JsonValueKind.String
            ? Durations.TryParse(t.GetString(), out var d) ? d : throw StepInput.Invalid(context, prefix + "timeout", $"has '{prefix}timeout' '{t.GetString()}', which is not a duration; write it as {Durations.Forms}")
            : throw StepInput.Invalid(context, prefix + "timeout", $"needs '{prefix}timeout' in its input: how long the approvers have, for instance \"2d\"");
        return new ApprovalStage(approvers, timeout);
    }
}
