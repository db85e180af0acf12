using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Governance.Policies;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Governance.Tests.Policies;

public sealed class PolicyEngineTests
{
    private const string Finance = """
        name: finance
        rules:
          - id: payments-allowed
            effect: allow
            when: { action: "payments.*" }
          - id: no-large-payments
            effect: deny
            when:
              action: payments.send
              payload:
                - { path: payload.amount, op: gt, value: 10000 }
          - id: review-medium-payments
            effect: require-approval
            approvers: [finance-leads]
            timeout: 4h
            when:
              action: payments.send
              payload:
                - { path: payload.amount, op: gte, value: 1000 }
          - id: hide-card
            effect: redact
            fields: [payload.card.number, payload.ssn]
            when: { action: "payments.*" }
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero)); // a Monday

    [Fact]
    public void Evaluate_DenyRuleMatches_DenyOverridesEverything()
    {
        var decision = Engine(Finance).Evaluate(Payment(25000));

        Assert.Equal(PolicyEffect.Deny, decision.Effect);
        Assert.Equal("no-large-payments", decision.RuleId);
        Assert.Equal("finance", decision.PolicyName);
        Assert.Equal("denied by rule 'no-large-payments' of policy 'finance' because action is 'payments.send' and payload.amount 25000 > 10000", decision.Explanation);
        Assert.Equal(["payments-allowed", "no-large-payments", "review-medium-payments", "hide-card"], decision.Matches.Select(m => m.RuleId));
    }

    [Fact]
    public void Evaluate_ApprovalAndRedactMatch_ApprovalWinsAndCarriesRequirement()
    {
        var decision = Engine(Finance).Evaluate(Payment(5000));

        Assert.Equal(PolicyEffect.RequireApproval, decision.Effect);
        Assert.Equal("review-medium-payments", decision.RuleId);
        Assert.Equal(["finance-leads"], decision.Approval!.Approvers);
        Assert.Equal(TimeSpan.FromHours(4), decision.Approval.Timeout);
        Assert.StartsWith("held for approval by rule 'review-medium-payments' of policy 'finance' because", decision.Explanation, StringComparison.Ordinal);
        Assert.Equal(["payload.card.number", "payload.ssn"], decision.Redactions);
    }

    [Fact]
    public void Evaluate_RedactAndAllowMatch_RedactsWithTheRedactRule()
    {
        var decision = Engine(Finance).Evaluate(Payment(10));

        Assert.Equal(PolicyEffect.Redact, decision.Effect);
        Assert.Equal("hide-card", decision.RuleId);
        Assert.Equal("redacted by rule 'hide-card' of policy 'finance' because action 'payments.send' matches 'payments.*'", decision.Explanation);
        Assert.Null(decision.Approval);
    }

    [Fact]
    public void Evaluate_OnlyAllowMatches_AllowsWithTheRule()
    {
        var engine = Engine("""
            name: ops
            rules:
              - { id: reads, effect: allow, when: { action: "storage.read", tenant: [acme, "eu-*"] } }
            """);

        var decision = engine.Evaluate(new PolicyRequest { Actor = "alice", Action = "storage.read", Tenant = "eu-west" });

        Assert.Equal(PolicyEffect.Allow, decision.Effect);
        Assert.Equal("allowed by rule 'reads' of policy 'ops' because action is 'storage.read' and tenant 'eu-west' matches 'eu-*'", decision.Explanation);
        Assert.False(decision.IsDefault);
    }

    [Theory]
    [InlineData(PolicyEffect.Allow, "allowed by default: no rule matched")]
    [InlineData(PolicyEffect.Deny, "denied by default: no rule matched")]
    public void Evaluate_NoRuleMatches_AppliesTheDefault(PolicyEffect defaultEffect, string explanation)
    {
        var decision = Engine(Finance, defaultEffect).Evaluate(new PolicyRequest { Actor = "alice", Action = "workflow.start" });

        Assert.Equal(defaultEffect, decision.Effect);
        Assert.Equal(explanation, decision.Explanation);
        Assert.True(decision.IsDefault);
        Assert.Empty(decision.Matches);
    }

    [Fact]
    public void Constructor_DefaultNeitherAllowNorDeny_Refused()
    {
        var error = Assert.Throws<AosValidationException>(() =>
            new PolicyEngine(Options.Create(new PolicyEngineOptions { DefaultEffect = PolicyEffect.Redact }), _time));

        Assert.Equal("DefaultEffect", error.Field);
    }

    [Theory]
    [InlineData("actor: [alice, \"svc-*\"]", true)]
    [InlineData("actor: bob", false)]
    [InlineData("agent: \"billing*\"", true)]
    [InlineData("agent: ledger", false)]
    [InlineData("resource: \"invoices/*\"", true)]
    [InlineData("resource: \"orders/*\"", false)]
    [InlineData("tenant: acme", true)]
    [InlineData("tenant: globex", false)]
    [InlineData("action: \"*\"", true)]
    [InlineData("risk: high", true)]
    [InlineData("risk: critical", false)]
    [InlineData("payload: [{ path: payload.currency, op: eq, value: EUR }]", true)]
    [InlineData("payload: [{ path: payload.currency, op: ne, value: EUR }]", false)]
    [InlineData("payload: [{ path: payload.currency, op: in, value: [USD, EUR] }]", true)]
    [InlineData("payload: [{ path: payload.amount, op: lt, value: 100 }]", false)]
    [InlineData("payload: [{ path: payload.amount, op: lte, value: 250 }]", true)]
    [InlineData("payload: [{ path: payload.card.number, op: exists }]", true)]
    [InlineData("payload: [{ path: payload.card.cvv, op: exists, value: false }]", true)]
    [InlineData("payload: [{ path: payload.card.cvv, op: exists }]", false)]
    [InlineData("payload: [{ path: payload.memo, op: matches, value: \"^inv-[0-9]+$\" }]", true)]
    [InlineData("payload: [{ path: payload.urgent, op: eq, value: true }]", true)]
    [InlineData("payload: [{ path: payload.missing, op: ne, value: 1 }]", false)]
    [InlineData("time: { days: [mon, tue], between: [\"09:00\", \"17:00\"] }", true)]
    [InlineData("time: { days: [sat, sun] }", false)]
    [InlineData("time: { between: [\"22:00\", \"06:00\"] }", false)]
    [InlineData("time: { between: [\"11:00\", \"12:00\"], timeZone: Europe/Paris }", true)]
    public void Evaluate_Condition_HoldsOrNot(string condition, bool holds)
    {
        var engine = Engine($$"""
            name: conditions
            rules:
              - id: under-test
                effect: deny
                when:
                  {{condition}}
            """);

        var decision = engine.Evaluate(new PolicyRequest
        {
            Actor = "alice",
            Agent = "billing-eu",
            Action = "payments.send",
            Resource = "invoices/42",
            Tenant = "acme",
            Risk = PolicyRiskLevel.High,
            Payload = JsonElement.Parse("""{ "amount": 250, "currency": "EUR", "urgent": true, "memo": "inv-42", "card": { "number": "4111" } }"""),
        });

        Assert.Equal(holds ? PolicyEffect.Deny : PolicyEffect.Allow, decision.Effect);
    }

    [Fact]
    public void Evaluate_TimeCondition_ReadsTheEngineClockAndTheCallTime()
    {
        var engine = Engine("""
            name: hours
            rules:
              - { id: office-hours-only, effect: deny, when: { time: { between: ["17:00", "09:00"] } } }
            """);
        var request = new PolicyRequest { Actor = "alice", Action = "agent.send" };

        Assert.Equal(PolicyEffect.Allow, engine.Evaluate(request).Effect);
        _time.Advance(TimeSpan.FromHours(8));
        var decision = engine.Evaluate(request);
        Assert.Equal(PolicyEffect.Deny, decision.Effect);
        Assert.Equal("denied by rule 'office-hours-only' of policy 'hours' because time Mon 18:30 UTC is within any day 17:00-09:00", decision.Explanation);
        Assert.Equal(PolicyEffect.Allow, engine.Evaluate(request with { Time = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero) }).Effect);
    }

    [Fact]
    public void Evaluate_RiskCondition_ExplainsTheLevels()
    {
        var engine = Engine("""
            name: risk
            rules:
              - { id: risky, effect: require-approval, approvers: [security], when: { risk: medium } }
            """);

        var decision = engine.Evaluate(new PolicyRequest { Actor = "alice", Action = "agent.send", Risk = PolicyRiskLevel.Critical });

        Assert.Equal("held for approval by rule 'risky' of policy 'risk' because risk critical is at least medium", decision.Explanation);
        Assert.Null(decision.Approval!.Timeout);
        Assert.Equal(PolicyEffect.Allow, engine.Evaluate(new PolicyRequest { Actor = "alice", Action = "agent.send" }).Effect);
    }

    [Fact]
    public void Redact_NestedFieldsAndArrays_RemovedOthersKept()
    {
        var engine = Engine("""
            name: pii
            rules:
              - { id: pii, effect: redact, fields: [payload.card.number, payload.ssn, payload.lines.secret], when: { action: "storage.*" } }
            """);
        var payload = JsonNode.Parse("""{ "ssn": "123", "card": { "number": "4111", "expiry": "12/30" }, "lines": [{ "secret": 1, "sku": "a" }, { "sku": "b" }], "amount": 5 }""")!;

        var decision = engine.Evaluate(new PolicyRequest { Actor = "alice", Action = "storage.write", Payload = JsonElement.Parse(payload.ToJsonString()) });
        var redacted = PolicyEngine.Redact(payload, decision);

        Assert.Equal("""{"card":{"expiry":"12/30"},"lines":[{"sku":"a"},{"sku":"b"}],"amount":5}""", redacted.ToJsonString());
        Assert.Equal("123", payload["ssn"]!.GetValue<string>());
    }

    [Fact]
    public void DryRun_Candidate_DecidesWithoutInstalling()
    {
        var engine = Engine(Finance);
        var candidate = PolicyLoader.Parse("""
            name: finance
            rules:
              - { id: freeze, effect: deny, when: { action: "payments.*" } }
            """, "yaml", "candidate.yaml");

        var decisions = engine.DryRun(candidate, [Payment(10), new PolicyRequest { Actor = "alice", Action = "agent.send" }]);

        Assert.Equal([PolicyEffect.Deny, PolicyEffect.Allow], decisions.Select(d => d.Effect));
        Assert.Equal("freeze", decisions[0].RuleId);
        Assert.Equal(PolicyEffect.Redact, engine.Evaluate(Payment(10)).Effect);
        Assert.Equal("finance.yaml", Assert.Single(engine.Policies).Source);
    }

    [Fact]
    public void Install_CodeBuiltPolicyWithBadGlob_RefusedAndPreviousKept()
    {
        var engine = Engine(Finance);
        var bad = new PolicyDocument
        {
            Name = "bad",
            Rules = [new PolicyRule { Id = "r", Effect = PolicyEffect.Deny, When = new PolicyConditions { Action = ["pay*ments"] } }],
        };

        var error = Assert.Throws<AosValidationException>(() => engine.Install([.. engine.Policies, bad]));

        Assert.Contains("Policy 'bad', rule 'r': 'pay*ments' is not a valid glob", error.Message, StringComparison.Ordinal);
        Assert.Equal("finance", Assert.Single(engine.Policies).Name);
    }

    [Fact]
    public void Install_TwoPoliciesSameName_Refused()
    {
        var policy = new PolicyDocument { Name = "twice" };

        var error = Assert.Throws<AosValidationException>(() => Engine(Finance).Install([policy, policy]));

        Assert.Contains("Two policies are named 'twice'", error.Message, StringComparison.Ordinal);
    }

    private PolicyEngine Engine(string yaml, PolicyEffect defaultEffect = PolicyEffect.Allow)
    {
        var engine = new PolicyEngine(Options.Create(new PolicyEngineOptions { DefaultEffect = defaultEffect }), _time);
        engine.Install([PolicyLoader.Parse(yaml, "yaml", "finance.yaml")]);
        return engine;
    }

    private static PolicyRequest Payment(int amount) => new()
    {
        Actor = "alice",
        Action = "payments.send",
        Payload = JsonElement.Parse($$"""{ "amount": {{amount}}, "card": { "number": "4111" } }"""),
    };
}
