using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Aos.Governance.Policies;

/// <summary>Evaluates system calls against the installed policies: allow, deny, require-approval or redact, with an explanation.</summary>
/// <remarks>
/// Thread-safe. The installed policies are an immutable compiled set swapped atomically by <see cref="Install"/>: an evaluation sees
/// either the previous set or the new one, never a mix. Every matching rule is found; deny overrides require-approval, which overrides
/// redact, which overrides allow, and the redactions of every matching redact rule apply. When no rule matches,
/// <see cref="PolicyEngineOptions.DefaultEffect"/> decides (allow unless configured otherwise).
/// </remarks>
public sealed class PolicyEngine
{
    private readonly TimeProvider _timeProvider;
    private readonly PolicyDecision _default;
    private CompiledPolicySet _set = CompiledPolicySet.Empty;

    /// <summary>Initializes a new instance of the <see cref="PolicyEngine"/> class with no policies installed.</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock read for calls that do not carry their time.</param>
    public PolicyEngine(IOptions<PolicyEngineOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _default = options.Value.DefaultEffect switch
        {
            PolicyEffect.Allow => new PolicyDecision { Effect = PolicyEffect.Allow, Explanation = "allowed by default: no rule matched" },
            PolicyEffect.Deny => new PolicyDecision { Effect = PolicyEffect.Deny, Explanation = "denied by default: no rule matched" },
            var other => throw new AosValidationException(
                $"PolicyEngineOptions.DefaultEffect is {other}: it must be Allow or Deny.") { Field = nameof(PolicyEngineOptions.DefaultEffect) },
        };
    }

    /// <summary>Gets the installed policies.</summary>
    public IReadOnlyList<PolicyDocument> Policies => Volatile.Read(ref _set).Documents;

    /// <summary>Validates, compiles and installs a set of policies in place of the installed ones.</summary>
    /// <param name="policies">The policies; their names must be unique.</param>
    /// <exception cref="AosValidationException">A policy is not valid; the installed policies are unchanged.</exception>
    public void Install(IEnumerable<PolicyDocument> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        Volatile.Write(ref _set, CompiledPolicySet.Compile(policies));
    }

    /// <summary>Decides a system call against the installed policies.</summary>
    /// <param name="request">The call.</param>
    /// <returns>The decision, with its explanation.</returns>
    public PolicyDecision Evaluate(PolicyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Evaluate(Volatile.Read(ref _set), request);
    }

    /// <summary>Decides calls as if a candidate policy were installed, without installing it.</summary>
    /// <param name="candidate">The candidate; it replaces the installed policy of the same name, or is added to the installed ones.</param>
    /// <param name="requests">The calls to decide.</param>
    /// <returns>The decisions, in the order of the calls.</returns>
    /// <exception cref="AosValidationException">The candidate is not valid.</exception>
    public IReadOnlyList<PolicyDecision> DryRun(PolicyDocument candidate, IEnumerable<PolicyRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(requests);
        var installed = Volatile.Read(ref _set).Documents;
        var set = CompiledPolicySet.Compile([.. installed.Where(d => !string.Equals(d.Name, candidate.Name, StringComparison.Ordinal)), candidate]);
        return [.. requests.Select(r => Evaluate(set, r))];
    }

    /// <summary>Returns a copy of a payload with the decision's redacted fields removed; the payload itself is not changed.</summary>
    /// <param name="payload">The payload, the root of the <c>payload.</c> paths.</param>
    /// <param name="decision">The decision whose <see cref="PolicyDecision.Redactions"/> apply.</param>
    /// <returns>The redacted copy.</returns>
    public static JsonNode Redact(JsonNode payload, PolicyDecision decision)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(decision);
        var copy = payload.DeepClone();
        var paths = decision.RedactionPaths.Count == decision.Redactions.Count ? decision.RedactionPaths : [.. decision.Redactions.Select(PayloadPath.Parse)];
        foreach (var path in paths)
        {
            path.Remove(copy);
        }

        return copy;
    }

    private PolicyDecision Evaluate(CompiledPolicySet set, PolicyRequest request)
    {
        var now = request.Time ?? _timeProvider.GetUtcNow();
        CompiledRule? deciding = null;
        List<CompiledRule>? matched = null;
        foreach (var rule in set.Rules)
        {
            if (rule.Matches(request, now))
            {
                (matched ??= []).Add(rule);
                if (deciding is null || Rank(rule.Effect) > Rank(deciding.Effect))
                {
                    deciding = rule;
                }
            }
        }

        return deciding is null ? _default : Decide(deciding, matched!, request, now);
    }

    private static PolicyDecision Decide(CompiledRule deciding, List<CompiledRule> matched, PolicyRequest request, DateTimeOffset now)
    {
        var matches = matched.Select(r => new PolicyRuleMatch(r.PolicyName, r.Rule.Id, r.Effect, r.Explain(request, now))).ToArray();
        var redacting = matched.Where(r => r.Effect == PolicyEffect.Redact).ToArray();
        var paths = redacting.SelectMany(r => r.Fields).DistinctBy(p => p.Text, StringComparer.Ordinal).ToArray();
        var explanation = deciding.Effect == PolicyEffect.Redact
            ? string.Join("; ", matches.Where(m => m.Effect == PolicyEffect.Redact).Select(Explain))
            : Explain(matches[matched.IndexOf(deciding)]);
        return new PolicyDecision
        {
            Effect = deciding.Effect,
            RuleId = deciding.Rule.Id,
            PolicyName = deciding.PolicyName,
            Explanation = explanation,
            Redactions = [.. paths.Select(p => p.Text)],
            RedactionPaths = paths,
            Approval = deciding.Approval,
            Matches = matches,
        };
    }

    private static string Explain(PolicyRuleMatch match)
    {
        var verb = match.Effect switch
        {
            PolicyEffect.Deny => "denied",
            PolicyEffect.RequireApproval => "held for approval",
            PolicyEffect.Redact => "redacted",
            _ => "allowed",
        };
        return $"{verb} by rule '{match.RuleId}' of policy '{match.PolicyName}' because {match.Reason}";
    }

    private static int Rank(PolicyEffect effect) => effect switch
    {
        PolicyEffect.Deny => 3,
        PolicyEffect.RequireApproval => 2,
        PolicyEffect.Redact => 1,
        _ => 0,
    };
}
