using Aos.Governance.Audit;
using Aos.Governance.Compliance;
using Aos.Governance.Decisions;
using Aos.Governance.Tests.Audit;

namespace Aos.Governance.Tests.Compliance;

/// <summary>Assertions of audited actions: pre- and post-conditions that pass and fail, the audit-chain and decision-record checks.</summary>
public sealed class ComplianceAssertionTests : IAsyncDisposable
{
    private readonly SqliteGovernanceStore _store = new();
    private readonly AuditLogFixture _audit = new();
    private readonly DecisionLog _decisions;
    private readonly ComplianceService _compliance;

    public ComplianceAssertionTests()
    {
        _decisions = new DecisionLog(_store.Catalog, _store.Time);
        _compliance = new ComplianceService(_store.Catalog, _decisions, _audit.Log);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _audit.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task Assert_ApiKeyCreatedWithoutApproval_FailsTheControlThatRequiresOne()
    {
        var entry = await _audit.Log.AppendAsync(SystemCalls.Record("api-key.create"), Ct);

        var assertion = (await _compliance.AssertAsync([entry], "soc2", Ct)).Single();

        Assert.False(assertion.Passed);
        var cc62 = assertion.Controls.Single(c => c.Control == "CC6.2");
        Assert.Equal((false, "approved"), (cc62.Passed, cc62.FailedCondition));
        Assert.Equal("pre-condition 'approved' failed: context.approval.status is absent", cc62.Reason);
        Assert.All(assertion.Controls.Where(c => c.Control != "CC6.2"), c => Assert.True(c.Passed, c.Reason));
    }

    [Fact]
    public async Task Assert_ApiKeyCreatedAfterApproval_PassesEveryControl()
    {
        var entry = await _audit.Log.AppendAsync(SystemCalls.Record("api-key.create", approval: "approved", effect: "require-approval"), Ct);

        var assertion = (await _compliance.AssertAsync([entry], cancellationToken: Ct)).Single();

        Assert.True(assertion.Passed, string.Join("; ", assertion.Controls.Select(c => c.Reason)));
        Assert.Equal(["soc2/CC6.1", "soc2/CC6.2", "soc2/CC7.2", "iso27001/A.5.15", "iso27001/A.5.16", "iso27001/A.5.18", "iso27001/A.8.15"],
            assertion.Controls.Select(c => $"{c.Framework}/{c.Control}"));
    }

    [Fact]
    public async Task Assert_ApprovalDenied_ShowsTheValueThatFailed()
    {
        var entry = await _audit.Log.AppendAsync(SystemCalls.Record("role.assign", approval: "expired"), Ct);

        var assertion = (await _compliance.AssertAsync([entry], "iso27001", Ct)).Single();

        Assert.Equal("pre-condition 'approved' failed: context.approval.status is \"expired\", not eq \"approved\"", assertion.Controls.Single(c => c.Control == "A.8.2").Reason);
    }

    [Fact]
    public async Task Assert_AnonymousActor_FailsThePreconditionOfAccessControl()
    {
        var entry = await _audit.Log.AppendAsync(SystemCalls.Record("message.send", actor: "anonymous"), Ct);

        var assertion = (await _compliance.AssertAsync([entry], "iso27001", Ct)).Single();

        Assert.Equal("pre-condition 'identified' failed: actor is \"anonymous\", not ne \"anonymous\"", assertion.Controls.Single(c => c.Control == "A.5.15").Reason);
    }

    [Fact]
    public async Task Assert_DenialWithoutExplanation_FailsThePostcondition()
    {
        var explained = await _audit.Log.AppendAsync(SystemCalls.Record("storage.delete", outcome: "denied", effect: "deny"), Ct);
        var unexplained = await _audit.Log.AppendAsync(SystemCalls.Record("storage.delete", outcome: "denied", effect: "deny", explanation: null), Ct);

        var assertions = await _compliance.AssertAsync([explained, unexplained], "soc2", Ct);

        Assert.True(assertions[0].Passed);
        Assert.Equal("post-condition 'denial-explained' failed: context.policy.explanation is absent", assertions[1].Controls.Single(c => c.Control == "CC6.1").Reason);
    }

    [Fact]
    public async Task Assert_FailedCallWithoutError_FailsLogging()
    {
        var entry = await _audit.Log.AppendAsync(SystemCalls.Record("backup.create", outcome: "failed", context: c => c.Remove("error")), Ct);

        var assertion = (await _compliance.AssertAsync([entry], "iso27001", Ct)).Single();

        Assert.Equal(["A.8.13", "A.8.15"], assertion.Controls.Where(c => !c.Passed).Select(c => c.Control));
        Assert.All(assertion.Controls.Where(c => !c.Passed), c => Assert.Equal("post-condition 'failure-recorded' failed: context.error is absent", c.Reason));
    }

    [Fact]
    public async Task Assert_ChangedEntry_FailsTheAuditChainCheck()
    {
        var entries = await _audit.Log.AppendManyAsync([SystemCalls.Record("message.send"), SystemCalls.Record("message.send")], Ct);
        var changed = entries[1] with { Outcome = "denied" };
        var relinked = entries[1] with { PreviousHash = new string('0', 64) };

        var assertions = await _compliance.AssertAsync([entries[0], changed], "soc2", Ct);
        var broken = await _compliance.AssertAsync([entries[0], relinked], "soc2", Ct);

        Assert.True(assertions[0].Controls.Single(c => c.Control == "CC7.2").Passed);
        Assert.Equal($"post-condition 'chain-verifies' failed: entry {changed.Id}'s content does not match its hash: a field was changed after it was written", assertions[1].Controls.Single(c => c.Control == "CC7.2").Reason);
        Assert.Equal("chain-verifies", broken[1].Controls.Single(c => c.Control == "CC7.2").FailedCondition);
    }

    [Fact]
    public async Task Assert_DecisionRecordCheck_PassesOnlyWhenADecisionOfTheTenantLinksTheEntry()
    {
        var linked = await _audit.Log.AppendAsync(SystemCalls.Record("policy.write", approval: "approved"), Ct);
        var unlinked = await _audit.Log.AppendAsync(SystemCalls.Record("policy.write", approval: "approved"), Ct);
        var elsewhere = await _audit.Log.AppendAsync(SystemCalls.Record("policy.write", approval: "approved", tenant: "globex"), Ct);
        var decision = await _decisions.RecordAsync("acme", new DecisionRequest { DecidedBy = "alice", Choice = "tighten", Rationale = "Audit finding 12." }, Ct);
        await _decisions.LinkAuditEntryAsync("acme", decision.Id, linked.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Ct);
        var other = await _decisions.RecordAsync("acme", new DecisionRequest { DecidedBy = "alice", Choice = "x", Rationale = "Not globex's." }, Ct);
        await _decisions.LinkAuditEntryAsync("acme", other.Id, elsewhere.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Ct);

        var assertions = await _compliance.AssertAsync([linked, unlinked, elsewhere], "iso27001", Ct);

        var results = assertions.Select(a => a.Controls.Single(c => c.Control == "A.8.32")).ToArray();
        Assert.True(results[0].Passed, results[0].Reason);
        Assert.Equal($"post-condition 'decision-recorded' failed: no decision record of tenant 'acme' links entry {unlinked.Id}", results[1].Reason);
        Assert.Equal("decision-recorded", results[2].FailedCondition);
    }

    [Fact]
    public async Task Assert_CustomFramework_IsCheckedAlongsideTheBuiltIns()
    {
        await _compliance.PutFrameworkAsync(ComplianceFrameworksTests.Custom(), Ct);
        var revoke = await _audit.Log.AppendAsync(SystemCalls.Record("api-key.revoke"), Ct);

        var assertion = (await _compliance.AssertAsync([revoke], "acme-sec", Ct)).Single();

        var result = Assert.Single(assertion.Controls);
        Assert.Equal(("acme-sec", "AC-1", "recorded"), (result.Framework, result.Control, result.FailedCondition));
    }

    [Fact]
    public async Task Assert_UnknownFramework_IsRefused()
    {
        var entry = await _audit.Log.AppendAsync(SystemCalls.Record("message.send"), Ct);

        var e = await Assert.ThrowsAsync<AosValidationException>(() => _compliance.AssertAsync([entry], "pci", Ct));

        Assert.Equal("framework", e.Field);
        Assert.Contains("soc2, iso27001", e.Message, StringComparison.Ordinal);
    }
}
