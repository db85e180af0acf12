using System.Text.Json.Nodes;
using Aos.Governance.Decisions;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Cli.Tests;

/// <summary>Runs <c>aos policies</c>, <c>aos risks</c> and <c>aos decisions</c> against the real server.</summary>
public sealed class GovernanceCommandsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly Uri _server = fixture.Address;

    [Fact]
    public async Task Policies_PutExplainValidateDryRunDelete()
    {
        using var files = new TempFiles();
        var policy = files.Write("guard.yaml", "name: guard\nrules:\n  - { id: no-big, effect: deny, when: { action: pay, payload: [ { path: payload.amount, op: gt, value: 100 } ] } }\n");
        var broken = files.Write("broken.yaml", "name: guard\nrules:\n  - { id: x, effect: perhaps }\n");
        var calls = files.Write("calls.json", """[ { "actor": "alice", "action": "pay", "payload": { "amount": 5 } } ]""");

        var put = await Cli.RunAsync(_server, "policies", "put", policy.FullName);
        var explained = await Cli.RunAsync(_server, "policies", "explain", "--call", """{"actor":"alice","action":"pay","payload":{"amount":900}}""");
        var listed = await Cli.RunAsync(_server, "policies", "list");
        var shown = await Cli.RunAsync(_server, "policies", "show", "guard");
        var invalid = await Cli.RunAsync(_server, "policies", "validate", broken.FullName);
        var refusedPut = await Cli.RunAsync(_server, "policies", "put", broken.FullName);
        var dryRun = await Cli.RunAsync(_server, "policies", "dry-run", policy.FullName, "--calls", calls.FullName);
        var deleted = await Cli.RunAsync(_server, "policies", "delete", "guard");
        var afterDelete = await Cli.RunAsync(_server, "policies", "explain", "--call", """{"actor":"alice","action":"pay","payload":{"amount":900}}""");

        put.AssertExitCode(ExitCodes.Success);
        Assert.StartsWith("stored policy guard (version ", put.Output, StringComparison.Ordinal);
        Assert.StartsWith("deny: denied by rule 'no-big' of policy 'guard'", explained.Output, StringComparison.Ordinal);
        Assert.Contains("matched guard/no-big (deny)", explained.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^guard\s+store\s+true\s+yaml", listed.Output);
        Assert.Contains("no-big", shown.Output, StringComparison.Ordinal);
        invalid.AssertExitCode(ExitCodes.Usage);
        Assert.Contains("line 3", invalid.Error, StringComparison.Ordinal);
        refusedPut.AssertExitCode(ExitCodes.Usage);
        Assert.Matches(@"(?m)^alice pay\s+allow\s+", dryRun.Output);
        Assert.Equal("deleted policy guard", deleted.Output.Trim());
        Assert.StartsWith("allow: allowed by default", afterDelete.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Risks_AddListMitigateStatusShow()
    {
        var added = await Cli.RunAsync(_server, "risks", "add", "Prompt injection", "--likelihood", "3", "--impact", "4", "--owner", "secops", "--json");
        var id = JsonNode.Parse(added.Output)!["id"]!.GetValue<string>();
        var listed = await Cli.RunAsync(_server, "risks", "list", "--level", "high");
        var mitigated = await Cli.RunAsync(_server, "risks", "mitigate", id, "Filter tool output", "--state", "planned");
        var accepted = await Cli.RunAsync(_server, "risks", "status", id, "accepted");
        var refused = await Cli.RunAsync(_server, "risks", "mitigate", id, "Too late");
        var shown = await Cli.RunAsync(_server, "risks", "show", id);
        var missing = await Cli.RunAsync(_server, "risks", "show", new string('0', 32));

        added.AssertExitCode(ExitCodes.Success);
        Assert.Matches($@"(?m)^{id}\s+Prompt injection\s+12\s+high\s+identified\s+secops", listed.Output);
        Assert.Equal($"mitigated: risk {id} is mitigating (high, score 12)", mitigated.Output.Trim());
        Assert.Equal($"changed: risk {id} is accepted (high, score 12)", accepted.Output.Trim());
        refused.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("reopen it", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Filter tool output", shown.Output, StringComparison.Ordinal);
        missing.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("404", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decisions_ListAndShow()
    {
        var by = "agent:planner-" + Guid.NewGuid().ToString("N")[..6];
        var decision = await fixture.Services.GetRequiredService<DecisionLog>().RecordAsync(
            "default", new DecisionRequest { DecidedBy = by, Choice = "retry", Rationale = "transient error", Options = [new("retry", Score: 0.9), new("give-up")] },
            TestContext.Current.CancellationToken);

        var listed = await Cli.RunAsync(_server, "decisions", "list", "--by", by);
        var shown = await Cli.RunAsync(_server, "decisions", "show", decision.Id);

        listed.AssertExitCode(ExitCodes.Success);
        Assert.Matches($@"(?m)^{decision.Id}\s+\S+\s+{by}\s+retry\s+transient error", listed.Output);
        Assert.Contains("rationale: transient error", shown.Output, StringComparison.Ordinal);
        Assert.Contains("option retry (score 0.9)", shown.Output, StringComparison.Ordinal);
    }
}
