using System.Text.Json;
using Aos.Governance.Policies;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.Options;

namespace Aos.Benchmarks;

/// <summary>
/// The cost of the policy engine on every system call: a call evaluated against 100 compiled rules with mixed conditions (globs on
/// action, actor and tenant, payload comparisons, risk, time), matching none of them or one, against a hand-written loop of 100 ordinal
/// string comparisons (the baseline) and against a single rule. Anchor: the Agent Governance Toolkit reports 30 µs for 100 rules.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
[CategoriesColumn]
public class PolicyEngineBenchmarks
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 10, 30, 0, TimeSpan.Zero);

    private readonly string[] _actions = [.. Enumerable.Range(0, 100).Select(i => $"svc{i}.op")];
    private PolicyEngine _hundred = null!;
    private PolicyEngine _one = null!;
    private PolicyRequest _noMatch = null!;
    private PolicyRequest _oneMatch = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hundred = Engine(Enumerable.Range(0, 100).Select(Rule));
        _one = Engine([Rule(3)]);
        _noMatch = new PolicyRequest
        {
            Actor = "alice",
            Agent = "billing",
            Action = "payments.send",
            Tenant = "acme",
            Risk = PolicyRiskLevel.Medium,
            Time = Monday,
            Payload = JsonElement.Parse("""{ "amount": 500, "currency": "EUR", "card": { "number": "4111" } }"""),
        };
        _oneMatch = _noMatch with { Payload = JsonElement.Parse("""{ "amount": 500, "currency": "X99", "card": { "number": "4111" } }""") };
        if (!_hundred.Evaluate(_noMatch).IsDefault || _hundred.Evaluate(_oneMatch).RuleId != "rule-99" || !_one.Evaluate(_noMatch).IsDefault)
        {
            throw new InvalidOperationException("The benchmark policies do not decide as intended.");
        }
    }

    [Benchmark(Baseline = true)]
    public bool StringEquality_100()
    {
        var action = _noMatch.Action;
        foreach (var candidate in _actions)
        {
            if (string.Equals(candidate, action, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    [Benchmark]
    public PolicyDecision Evaluate_1Rule_NoMatch() => _one.Evaluate(_noMatch);

    [Benchmark]
    public PolicyDecision Evaluate_100Rules_NoMatch() => _hundred.Evaluate(_noMatch);

    [Benchmark]
    public PolicyDecision Evaluate_100Rules_OneMatch() => _hundred.Evaluate(_oneMatch);

    // Four kinds of rules: a quarter are rejected by the action glob, the others read tenant, actor, risk, payload fields and time.
    internal static PolicyRule Rule(int i) => (i % 4) switch
    {
        0 => new PolicyRule
        {
            Id = $"rule-{i}",
            Effect = PolicyEffect.Deny,
            When = new PolicyConditions { Action = [$"svc{i}.*"], Payload = [new PayloadCondition { Path = "payload.amount", Operator = PayloadOperator.GreaterThan, Value = 1000 }] },
        },
        1 => new PolicyRule
        {
            Id = $"rule-{i}",
            Effect = PolicyEffect.RequireApproval,
            Approvers = ["ops"],
            When = new PolicyConditions { Action = ["agent.send", "payments.*"], Tenant = [$"tenant-{i}"] },
        },
        2 => new PolicyRule
        {
            Id = $"rule-{i}",
            Effect = PolicyEffect.Deny,
            When = new PolicyConditions { Action = ["*"], Actor = [$"user-{i}*"], Risk = PolicyRiskLevel.High },
        },
        _ => new PolicyRule
        {
            Id = $"rule-{i}",
            Effect = PolicyEffect.Redact,
            Fields = ["payload.card.number"],
            When = new PolicyConditions
            {
                Action = ["payments.send"],
                Payload = [new PayloadCondition { Path = "payload.currency", Operator = PayloadOperator.Equal, Value = $"X{i}" }],
                Time = new TimeCondition { Days = [DayOfWeek.Monday, DayOfWeek.Friday], From = new TimeOnly(9, 0), To = new TimeOnly(17, 0) },
            },
        },
    };

    internal static PolicyEngine Engine(IEnumerable<PolicyRule> rules)
    {
        var engine = new PolicyEngine(Options.Create(new PolicyEngineOptions()), TimeProvider.System);
        engine.Install([new PolicyDocument { Name = "bench", Rules = [.. rules] }]);
        return engine;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95);
            WithOptions(ConfigOptions.DisableLogFile);
        }
    }
}
