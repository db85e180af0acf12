namespace Aos.Governance.Policies;

/// <summary>Checks a rule built in code as <see cref="PolicyLoader"/> checks one read from text, without the line numbers.</summary>
internal static class PolicyValidation
{
    public static string? ValidateRule(PolicyRule rule)
    {
        if (!Enum.IsDefined(rule.Effect))
        {
            return $"unknown effect {rule.Effect}";
        }

        var when = rule.When ?? new PolicyConditions();
        var globs = new[] { when.Actor, when.Agent, when.Action, when.Resource, when.Tenant };
        var error = globs.Where(g => g is not null).SelectMany(g => g!.Count == 0 ? ["a glob list cannot be empty: leave the condition out to match any value"] : g.Select(GlobSet.Validate))
            .FirstOrDefault(e => e is not null);
        error ??= when.Payload.Select(c => PayloadPath.Validate(c.Path) ?? CompiledPayloadCondition.ValidateValue(c.Operator, c.Value)).FirstOrDefault(e => e is not null);
        error ??= when.Time is null ? null : CompiledTimeCondition.Validate(when.Time);
        error ??= rule.Fields.Select(PayloadPath.Validate).FirstOrDefault(e => e is not null);
        return error ?? RuleShape(rule.Effect, rule.Fields.Count, rule.Approvers.Count);
    }

    public static string? RuleShape(PolicyEffect effect, int fields, int approvers) => effect switch
    {
        PolicyEffect.Redact when fields == 0 => "a redact rule needs 'fields': the payload paths to remove, such as payload.card.number",
        PolicyEffect.RequireApproval when approvers == 0 => "a require-approval rule needs 'approvers': who may decide the held call",
        not PolicyEffect.Redact when fields > 0 => "'fields' only applies to redact rules",
        not PolicyEffect.RequireApproval when approvers > 0 => "'approvers' only applies to require-approval rules",
        _ => null,
    };
}
