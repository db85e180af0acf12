using Aos.Governance.Policies;

namespace Aos.Governance.Tests.Policies;

public sealed class PolicyLoaderTests
{
    [Fact]
    public void Parse_JsonAndYaml_ReadTheSamePolicy()
    {
        var yaml = PolicyLoader.Parse("""
            name: finance
            description: Payments.
            rules:
              - id: review
                effect: require-approval
                approvers: [finance-leads, cfo]
                timeout: 30m
                when:
                  action: payments.send
                  risk: high
                  payload:
                    - { path: payload.amount, op: in, value: [1, 2.5, "x", true, null] }
                  time: { days: [mon, fri], between: ["09:00", "17:30"], timeZone: Europe/Paris }
            """, "yaml", "finance.yaml");
        var json = PolicyLoader.Parse("""
            {
              "name": "finance",
              "description": "Payments.",
              "rules": [{
                "id": "review", "effect": "require-approval", "approvers": ["finance-leads", "cfo"], "timeout": "30m",
                "when": {
                  "action": "payments.send", "risk": "high",
                  "payload": [{ "path": "payload.amount", "op": "in", "value": [1, 2.5, "x", true, null] }],
                  "time": { "days": ["mon", "fri"], "between": ["09:00", "17:30"], "timeZone": "Europe/Paris" }
                }
              }]
            }
            """, "json", "finance.json");

        foreach (var policy in new[] { yaml, json })
        {
            var rule = Assert.Single(policy.Rules);
            Assert.Equal(PolicyEffect.RequireApproval, rule.Effect);
            Assert.Equal(TimeSpan.FromMinutes(30), rule.Timeout);
            Assert.Equal(["payments.send"], rule.When.Action!);
            Assert.Equal(PolicyRiskLevel.High, rule.When.Risk);
            Assert.Equal("""[1,2.5,"x",true,null]""", rule.When.Payload[0].Value!.ToJsonString());
            Assert.Equal([DayOfWeek.Monday, DayOfWeek.Friday], rule.When.Time!.Days);
            Assert.Equal(new TimeOnly(17, 30), rule.When.Time.To);
        }
    }

    [Fact]
    public void Parse_QuotedNumberInYaml_IsAString()
    {
        var error = Assert.Throws<AosValidationException>(() => PolicyLoader.Parse("""
            name: p
            rules:
              - id: r
                effect: deny
                when: { payload: [{ path: payload.amount, op: gt, value: "10" }] }
            """, "yaml", "p.yaml"));

        Assert.Equal("p.yaml: line 5, column 62: 'gt' compares numbers: its value must be a number, not a string.", error.Message);
    }

    [Theory]
    [InlineData("effect: alow", 4, "unknown effect 'alow' in rule 'r': use allow, deny, require-approval or redact")]
    [InlineData("effect: deny\n    efect: deny", 5, "unknown property 'efect' in a rule: did you mean 'effect'?")]
    [InlineData("effect: deny\n    when: { action: \"pay*ments\" }", 5, "'pay*ments' is not a valid glob")]
    [InlineData("effect: deny\n    when: { payload: [{ path: payload.a, op: greater, value: 1 }] }", 5, "unknown operator 'greater'")]
    [InlineData("effect: deny\n    when: { payload: [{ path: payload.a, op: gt, value: ten }] }", 5, "'gt' compares numbers: its value must be a number, not a string")]
    [InlineData("effect: deny\n    when: { payload: [{ path: amount, op: exists }] }", 5, "'amount' is not a payload path")]
    [InlineData("effect: deny\n    when: { payload: [{ path: payload.a, op: matches, value: \"(a\" }] }", 5, "is not a regular expression")]
    [InlineData("effect: redact", 3, "rule 'r': a redact rule needs 'fields'")]
    [InlineData("effect: require-approval", 3, "rule 'r': a require-approval rule needs 'approvers'")]
    [InlineData("effect: require-approval\n    approvers: [ops]\n    timeout: soon", 6, "'soon' is not a duration")]
    [InlineData("effect: deny\n    when: { time: { between: [\"9am\", \"17:00\"] } }", 5, "'9am' is not a time of day")]
    [InlineData("effect: deny\n    when: { time: { days: [monday] } }", 5, "'monday' is not a day")]
    [InlineData("effect: deny\n    when: { time: { timeZone: Mars/Olympus } }", 5, "'Mars/Olympus' is not a known time zone")]
    [InlineData("effect: deny\n    when: { risk: extreme }", 5, "unknown risk level 'extreme'")]
    [InlineData("effect: deny\n  - id: r\n    effect: allow", 5, "the rule id 'r' is used twice")]
    [InlineData("effect: deny\n    when: { action: [] }", 5, "'action' is an empty list")]
    public void Parse_BadYaml_RefusedWithLineAndReason(string ruleBody, int line, string reason)
    {
        var yaml = "name: p\nrules:\n  - id: r\n    " + ruleBody + "\n";

        var error = Assert.Throws<AosValidationException>(() => PolicyLoader.Parse(yaml, "yaml", "p.yaml"));

        Assert.StartsWith($"p.yaml: line {line}, column ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"effect\": \"alow\"", 4, "unknown effect 'alow' in rule 'r'")]
    [InlineData("\"effect\": \"deny\",\n  \"whenn\": {}", 5, "unknown property 'whenn' in a rule: did you mean 'when'?")]
    [InlineData("\"effect\": \"deny\",\n  \"when\": { \"tenant\": \"*acme\" }", 5, "'*acme' is not a valid glob")]
    [InlineData("\"effect\": \"deny\",\n  \"when\": { \"payload\": [{ \"path\": \"payload.a\", \"op\": \"like\" }] }", 5, "unknown operator 'like'")]
    [InlineData("\"effect\": \"deny\",\n  \"when\": { \"payload\": [{ \"path\": \"payload.a\", \"op\": \"in\", \"value\": 3 }] }", 5, "'in' needs a non-empty list")]
    [InlineData("\"effect\": \"deny\",\n  \"when\": { \"payload\": [{ \"path\": \"payload.a\", \"op\": \"lt\", \"value\": \"5\" }] }", 5, "'lt' compares numbers")]
    [InlineData("\"effect\": \"redact\"", 2, "a redact rule needs 'fields'")]
    [InlineData("\"effect\": \"redact\",\n  \"fields\": [\"card.number\"]", 5, "'card.number' is not a payload path")]
    [InlineData("\"effect\": \"require-approval\",\n  \"approvers\": []", 2, "a require-approval rule needs 'approvers'")]
    [InlineData("\"effect\": \"deny\",\n  \"when\": { \"time\": { \"between\": [\"09:00\"] } }", 5, "'between' needs two times")]
    [InlineData("\"effect\": \"deny\",", 5, "this is not valid JSON")]
    [InlineData("\"effect\": \"deny\", \"effect\": \"allow\"", 4, "this is not valid JSON")]
    public void Parse_BadJson_RefusedWithLineAndReason(string ruleBody, int line, string reason)
    {
        var json = "{ \"name\": \"p\", \"rules\": [\n {\n  \"id\": \"r\",\n  " + ruleBody + "\n }\n] }";

        var error = Assert.Throws<AosValidationException>(() => PolicyLoader.Parse(json, "json", "p.json"));

        Assert.StartsWith($"p.json: line {line}, column ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "yaml", "the policy is empty")]
    [InlineData("rules: []", "yaml", "a policy has no 'name'")]
    [InlineData("- a\n- b", "yaml", "a policy must be an object of properties")]
    [InlineData("name: p\nrules: x", "yaml", "'rules' must be a list")]
    public void Parse_BadDocument_Refused(string text, string format, string reason)
    {
        var error = Assert.Throws<AosValidationException>(() => PolicyLoader.Parse(text, format, "p"));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
