using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Approvals;
using Aos.Governance.Policies;
using Aos.SystemCalls;

namespace Aos.Governance.SystemCalls;

/// <summary>Decides every system call against the installed policies: lets it through, refuses it, redacts its payload, or holds it for an approval.</summary>
/// <remarks>
/// The decision and its explanation are annotated on the call (<c>policy</c>), so the audit entry says which rule decided and why.
/// A held call requests one durable approval per call identity (<see cref="SystemCall.Id"/>; a call without one gets a fresh approval)
/// and waits up to <see cref="SystemCallGovernanceOptions.HoldWait"/>: approved, it runs; denied or expired, it is refused; still pending,
/// it is answered with <see cref="SystemCallHeldException"/> and a repeat with the same id waits for the same approval.
/// </remarks>
public sealed class PolicySystemCallInvoker(ISystemCallInvoker innerInvoker, PolicyEngine engine, IApprovalGate? approvals, SystemCallGovernanceOptions options)
    : DelegatingSystemCallInvoker(innerInvoker)
{
    /// <inheritdoc />
    public override async ValueTask<TResult> InvokeAsync<TResult>(SystemCall systemCall, Func<SystemCall, CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(systemCall);
        var decision = engine.Evaluate(new PolicyRequest
        {
            Actor = systemCall.Actor,
            Agent = systemCall.Agent,
            Action = systemCall.Action,
            Resource = systemCall.Resource,
            Tenant = systemCall.Tenant,
            Payload = systemCall.Payload,
        });
        systemCall.Annotations["policy"] = Describe(decision);
        switch (decision.Effect)
        {
            case PolicyEffect.Deny:
                throw new SystemCallDeniedException($"The call '{systemCall.Action}' on '{systemCall.Resource}' was {decision.Explanation}.")
                {
                    Action = systemCall.Action,
                    RuleId = decision.RuleId,
                };
            case PolicyEffect.RequireApproval:
                await HoldAsync(systemCall, decision, cancellationToken).ConfigureAwait(false);
                break;
        }

        if (decision.Redactions.Count > 0 && systemCall.Payload is { } payload)
        {
            systemCall.Payload = Redact(payload, decision);
            systemCall.Annotations["redacted"] = new JsonArray([.. decision.Redactions.Select(r => JsonValue.Create(r))]);
        }

        return await base.InvokeAsync(systemCall, operation, cancellationToken).ConfigureAwait(false);
    }

    private async Task HoldAsync(SystemCall systemCall, PolicyDecision decision, CancellationToken cancellationToken)
    {
        if (approvals is null)
        {
            throw new SystemCallDeniedException(
                $"The call '{systemCall.Action}' on '{systemCall.Resource}' needs an approval ({decision.Explanation}), but this host has no approval service; it was refused.")
            {
                Action = systemCall.Action,
                RuleId = decision.RuleId,
            };
        }

        var requirement = decision.Approval!;
        var request = new ApprovalRequest
        {
            Id = ApprovalId(systemCall),
            Title = $"Allow '{systemCall.Action}' on '{systemCall.Resource}' by {systemCall.Actor}",
            Description = decision.Explanation,
            RequestedBy = systemCall.Actor,
            Stages = [new ApprovalStage([.. requirement.Approvers], requirement.Timeout ?? options.ApprovalTimeout)],
            Tenant = systemCall.Tenant,
            Context = systemCall.Payload?.GetRawText(),
        };
        var approval = await approvals.AwaitDecisionAsync(request, options.HoldWait, cancellationToken).ConfigureAwait(false);
        systemCall.Annotations["approval"] = new JsonObject { ["id"] = approval.Id, ["status"] = approval.Status };
        if (approval.Status == ApprovalStatus.Approved)
        {
            return;
        }

        if (approval.Status == ApprovalStatus.Pending)
        {
            throw new SystemCallHeldException(
                $"The call '{systemCall.Action}' on '{systemCall.Resource}' is held for approval '{approval.Id}' ({decision.Explanation}); it was not decided within {options.HoldWait.TotalSeconds:0} s. "
                + (systemCall.Id is null
                    ? "Nothing was done; send the call again with an id (Idempotency-Key) to wait for one approval across repeats."
                    : "Nothing was done; repeat the call once the approval is decided."))
            {
                ApprovalId = approval.Id,
            };
        }

        throw new SystemCallDeniedException($"The call '{systemCall.Action}' on '{systemCall.Resource}' was refused: approval '{approval.Id}' was {approval.Status}.")
        {
            Action = systemCall.Action,
            RuleId = decision.RuleId,
            ApprovalId = approval.Id,
        };
    }

    /// <summary>Names the approval of a held call: the same for every repeat of the call, a fresh one for a call without an id.</summary>
    private static string ApprovalId(SystemCall systemCall)
    {
        var identity = string.Join('\n', systemCall.Tenant, systemCall.Actor, systemCall.Action, systemCall.Resource, systemCall.Id ?? Guid.NewGuid().ToString("N"));
        return "hold-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..32];
    }

    private static JsonObject Describe(PolicyDecision decision)
    {
        var described = new JsonObject
        {
            ["effect"] = decision.Effect switch
            {
                PolicyEffect.Deny => "deny",
                PolicyEffect.RequireApproval => "require-approval",
                PolicyEffect.Redact => "redact",
                _ => "allow",
            },
        };
        if (!decision.IsDefault)
        {
            described["policy"] = decision.PolicyName;
            described["rule"] = decision.RuleId;
            described["explanation"] = decision.Explanation;
        }

        return described;
    }

    private static JsonElement Redact(JsonElement payload, PolicyDecision decision)
    {
        var node = JsonNode.Parse(payload.GetRawText());
        if (node is null)
        {
            return payload;
        }

        return JsonNodeElements.ToElement(PolicyEngine.Redact(node, decision));
    }
}
