using Aos.Governance.Compliance;
using Aos.Governance.Decisions;
using Aos.Governance.Tests.Audit;

namespace Aos.Governance.Tests.Compliance;

/// <summary>Summaries with compliance rates, read from a real SQLite audit log in a temporary directory.</summary>
public sealed class ComplianceSummaryTests : IAsyncDisposable
{
    private readonly SqliteGovernanceStore _store = new();
    private readonly AuditLogFixture _audit = new();
    private readonly ComplianceService _compliance;

    public ComplianceSummaryTests() => _compliance = new ComplianceService(_store.Catalog, new DecisionLog(_store.Catalog, _store.Time), _audit.Log);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DateTimeOffset Start => new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    public async ValueTask DisposeAsync()
    {
        await _audit.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task Summarize_MixedEntries_ComputesRatesPerControlFrameworkAndOverall()
    {
        // Three key creations, one of them approved; one denial without explanation; one message.
        await _audit.Log.AppendManyAsync(
        [
            SystemCalls.Record("api-key.create"),
            SystemCalls.Record("api-key.create"),
            SystemCalls.Record("api-key.create", approval: "approved"),
            SystemCalls.Record("message.send", outcome: "denied", effect: "deny", explanation: null),
            SystemCalls.Record("message.send"),
            SystemCalls.Record("api-key.create", tenant: "globex"),
        ], Ct);

        var summary = await _compliance.SummarizeAsync(new ComplianceSummaryQuery { Tenant = "acme", From = Start, To = Start.AddHours(1), Framework = "soc2" }, Ct);

        Assert.Equal(("acme", 5), (summary.Tenant, summary.Entries));
        var soc2 = Assert.Single(summary.Frameworks);
        var controls = soc2.Controls.ToDictionary(c => c.Id);
        Assert.Equal((5, 4, 1, 0.8), (controls["CC6.1"].Evaluated, controls["CC6.1"].Passed, controls["CC6.1"].Failed, controls["CC6.1"].Rate));
        Assert.Equal((3, 1, 2), (controls["CC6.2"].Evaluated, controls["CC6.2"].Passed, controls["CC6.2"].Failed));
        Assert.Equal(1.0 / 3, controls["CC6.2"].Rate!.Value, 9);
        Assert.Equal([1L, 2L], controls["CC6.2"].Failures.Select(f => f.Entry));
        Assert.Equal((5, 5, 1.0), (controls["CC7.2"].Evaluated, controls["CC7.2"].Passed, controls["CC7.2"].Rate));
        Assert.All(["CC6.3", "CC8.1", "A1.2"], id => Assert.Equal((false, 0, (double?)null), (controls[id].Exercised, controls[id].Evaluated, controls[id].Rate)));
        Assert.Equal((13, 10, 3), (soc2.Evaluated, soc2.Passed, soc2.Failed));
        Assert.Equal(10.0 / 13, soc2.Rate!.Value, 9);
        Assert.Equal((13, 10, 10.0 / 13), (summary.Evaluated, summary.Passed, summary.Rate));
    }

    [Fact]
    public async Task Summarize_EveryFramework_AddsUpAcrossFrameworks()
    {
        await _audit.Log.AppendManyAsync([SystemCalls.Record("message.send"), SystemCalls.Record("role.assign")], Ct);

        var summary = await _compliance.SummarizeAsync(new ComplianceSummaryQuery { Tenant = "acme", From = Start, To = Start.AddHours(1) }, Ct);

        Assert.Equal(["soc2", "iso27001"], summary.Frameworks.Select(f => f.Id));
        Assert.Equal(summary.Frameworks.Sum(f => f.Evaluated), summary.Evaluated);
        Assert.Equal(summary.Frameworks.Sum(f => f.Passed), summary.Passed);
        Assert.Equal((double)summary.Passed / summary.Evaluated, summary.Rate);
        Assert.True(summary.Failed > 0, "role.assign without approval fails the controls that require one");
    }

    [Fact]
    public async Task Summarize_ManyPages_ReadsEveryEntryOfTheRangeOnly()
    {
        await _audit.Log.AppendManyAsync([.. Enumerable.Range(0, 1500).Select(_ => SystemCalls.Record("message.send"))], Ct);
        _audit.Time.Advance(TimeSpan.FromHours(2));
        await _audit.Log.AppendAsync(SystemCalls.Record("message.send", actor: "anonymous"), Ct);

        var summary = await _compliance.SummarizeAsync(new ComplianceSummaryQuery { Tenant = "acme", From = Start, To = Start.AddHours(1), Framework = "iso27001" }, Ct);

        Assert.Equal(1500, summary.Entries);
        Assert.Equal(1.0, summary.Rate);
    }

    [Fact]
    public async Task Summarize_NoEntries_ReportsEveryControlNotExercisedAndNoRate()
    {
        var summary = await _compliance.SummarizeAsync(new ComplianceSummaryQuery { Tenant = "acme", From = Start, To = Start.AddHours(1) }, Ct);

        Assert.Equal((0, 0, (double?)null), (summary.Entries, summary.Evaluated, summary.Rate));
        Assert.All(summary.Frameworks.SelectMany(f => f.Controls), c => Assert.False(c.Exercised));
    }

    [Fact]
    public async Task Summarize_TamperedLog_FailsTheChainCheckFromTheFirstBadEntry()
    {
        await _audit.Log.AppendManyAsync([.. Enumerable.Range(0, 4).Select(_ => SystemCalls.Record("message.send"))], Ct);
        _audit.Execute("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 3");

        var summary = await _compliance.SummarizeAsync(new ComplianceSummaryQuery { Tenant = "acme", From = Start, To = Start.AddHours(1), Framework = "soc2" }, Ct);

        var cc72 = summary.Frameworks[0].Controls.Single(c => c.Id == "CC7.2");
        Assert.Equal((4, 2), (cc72.Evaluated, cc72.Passed));
        Assert.Equal([3L, 4L], cc72.Failures.Select(f => f.Entry));
        Assert.Contains("does not match its hash", cc72.Failures[0].Reason, StringComparison.Ordinal);
        Assert.Contains("fails verification at entry 3", cc72.Failures[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summarize_BadQuery_IsRefused()
    {
        var empty = await Assert.ThrowsAsync<AosValidationException>(() => _compliance.SummarizeAsync(new ComplianceSummaryQuery { Tenant = "acme", From = Start, To = Start }, Ct));
        var tenant = await Assert.ThrowsAsync<AosValidationException>(() => _compliance.SummarizeAsync(new ComplianceSummaryQuery { Tenant = "Acme!", From = Start, To = Start.AddHours(1) }, Ct));

        Assert.Equal(("from", "tenant"), (empty.Field, tenant.Field));
    }

    [Fact]
    public async Task Summarize_WithoutAuditLog_IsRefusedClearly()
    {
        var compliance = new ComplianceService(_store.Catalog, new DecisionLog(_store.Catalog, _store.Time));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => compliance.SummarizeAsync(new ComplianceSummaryQuery { Tenant = "acme", From = Start, To = Start.AddHours(1) }, Ct));

        Assert.False(compliance.HasAuditLog);
        Assert.Contains("no audit log", e.Message, StringComparison.Ordinal);
    }
}
