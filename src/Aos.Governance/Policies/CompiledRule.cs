namespace Aos.Governance.Policies;

/// <summary>Evaluates one <see cref="PolicyRule"/> compiled at load; the cheapest and most selective conditions are checked first.</summary>
internal sealed class CompiledRule
{
    private readonly GlobSet? _action;
    private readonly GlobSet? _tenant;
    private readonly GlobSet? _actor;
    private readonly GlobSet? _agent;
    private readonly GlobSet? _resource;
    private readonly PolicyRiskLevel? _risk;
    private readonly CompiledPayloadCondition[] _payload;
    private readonly CompiledTimeCondition? _time;

    public CompiledRule(PolicyDocument policy, PolicyRule rule)
    {
        PolicyName = policy.Name;
        Rule = rule;
        var when = rule.When;
        _action = Globs(when.Action);
        _tenant = Globs(when.Tenant);
        _actor = Globs(when.Actor);
        _agent = Globs(when.Agent);
        _resource = Globs(when.Resource);
        _risk = when.Risk;
        _payload = [.. when.Payload.Select(c => new CompiledPayloadCondition(c))];
        _time = when.Time is null ? null : new CompiledTimeCondition(when.Time);
        Fields = [.. rule.Fields.Select(PayloadPath.Parse)];
        Approval = rule.Effect == PolicyEffect.RequireApproval ? new PolicyApprovalRequirement(rule.Approvers, rule.Timeout) : null;
    }

    public string PolicyName { get; }

    public PolicyRule Rule { get; }

    public PolicyEffect Effect => Rule.Effect;

    public PayloadPath[] Fields { get; }

    public PolicyApprovalRequirement? Approval { get; }

    public bool Matches(PolicyRequest request, DateTimeOffset now)
    {
        if ((_action is not null && !_action.Matches(request.Action))
            || (_risk is { } risk && request.Risk < risk)
            || (_tenant is not null && !_tenant.Matches(request.Tenant))
            || (_actor is not null && !_actor.Matches(request.Actor))
            || (_agent is not null && !_agent.Matches(request.Agent))
            || (_resource is not null && !_resource.Matches(request.Resource)))
        {
            return false;
        }

        foreach (var condition in _payload)
        {
            if (!condition.Holds(request.Payload))
            {
                return false;
            }
        }

        return _time is null || _time.Holds(now);
    }

    public string Explain(PolicyRequest request, DateTimeOffset now)
    {
        var reasons = new List<string>();
        Add(reasons, _action, "action", request.Action);
        Add(reasons, _tenant, "tenant", request.Tenant);
        Add(reasons, _actor, "actor", request.Actor);
        Add(reasons, _agent, "agent", request.Agent);
        Add(reasons, _resource, "resource", request.Resource);
        reasons.AddRange(_payload.Select(c => c.Describe(request.Payload)));
        if (_risk is { } risk)
        {
            reasons.Add($"risk {Name(request.Risk)} is at least {Name(risk)}");
        }

        if (_time is not null)
        {
            reasons.Add(_time.Describe(now));
        }

        return reasons.Count == 0 ? "it has no conditions" : string.Join(" and ", reasons);
    }

    private static void Add(List<string> reasons, GlobSet? globs, string name, string? value)
    {
        if (globs is not null && value is not null)
        {
            reasons.Add(globs.Describe(name, value));
        }
    }

    private static string Name(PolicyRiskLevel risk) => risk.ToString().ToLowerInvariant();

    private static GlobSet? Globs(IReadOnlyList<string>? globs) => globs is null ? null : new GlobSet(globs);
}
