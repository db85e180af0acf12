using System.Text.Json;
using Aos.Governance.Decisions;

namespace Aos.Governance.Tests.Decisions;

/// <summary>The decision log: validation, listing, tenant isolation and links to approvals and audit entries, on a real SQLite store.</summary>
public sealed class DecisionLogTests : IAsyncDisposable
{
    private readonly SqliteGovernanceStore _store = new();
    private readonly DecisionLog _decisions;

    public DecisionLogTests() => _decisions = new DecisionLog(_store.Catalog, _store.Time);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task Record_KeepsEveryField_AndGetReadsItBack()
    {
        var decision = await _decisions.RecordAsync("acme", Request("agent:acme/pricing") with
        {
            Context = JsonElement.Parse("""{"quarter":"Q3","budget":1200}"""),
            Evidence = ["https://example.com/report", "blob:reports/q3.pdf"],
            Approvals = ["apr-1"],
            AuditEntries = ["42"],
        }, Ct);

        Assert.Equal(("acme", _store.Time.GetUtcNow(), "agent:acme/pricing", "raise", "Costs rose 8%."), (decision.Tenant, decision.Time, decision.DecidedBy, decision.Choice, decision.Rationale));
        Assert.Equal([new DecisionOption("raise", "Raise prices 5%", 0.7), new DecisionOption("hold")], decision.Options);
        var read = await _decisions.GetAsync("acme", decision.Id, Ct);
        Assert.NotNull(read);
        Assert.Equal(1200, read.Context!.Value.GetProperty("budget").GetInt32());
        Assert.Equal((decision.Id, decision.Time, decision.DecidedBy), (read.Id, read.Time, read.DecidedBy));
        Assert.Equal(decision.Options, read.Options);
        Assert.Equal(["https://example.com/report", "blob:reports/q3.pdf"], read.Evidence);
        Assert.Equal(["apr-1"], read.Approvals);
        Assert.Equal(["42"], read.AuditEntries);
    }

    [Fact]
    public async Task Prune_RemovesEveryTenantsDecisionsMadeBeforeTheTime_AndKeepsTheRest()
    {
        var now = _store.Time.GetUtcNow();
        var old = await _decisions.RecordAsync("acme", Request("bob") with { Time = now - TimeSpan.FromDays(40) }, Ct);
        var otherTenantOld = await _decisions.RecordAsync("globex", Request("eve") with { Time = now - TimeSpan.FromDays(31) }, Ct);
        var lastMillisecondBefore = await _decisions.RecordAsync("acme", Request("bob") with { Time = now - TimeSpan.FromDays(30) - TimeSpan.FromMilliseconds(1) }, Ct);
        var atTheCutoff = await _decisions.RecordAsync("acme", Request("bob") with { Time = now - TimeSpan.FromDays(30) }, Ct);
        var recent = await _decisions.RecordAsync("globex", Request("eve"), Ct);

        var removed = await _decisions.PruneAsync(now - TimeSpan.FromDays(30), Ct);

        Assert.Equal(3, removed);
        foreach (var (tenant, gone) in new[] { ("acme", old), ("globex", otherTenantOld), ("acme", lastMillisecondBefore) })
        {
            Assert.Null(await _decisions.GetAsync(tenant, gone.Id, Ct));
        }

        Assert.Equal([atTheCutoff.Id], (await _decisions.ListAsync("acme", cancellationToken: Ct)).Items.Select(d => d.Id));
        Assert.Equal([recent.Id], (await _decisions.ListAsync("globex", cancellationToken: Ct)).Items.Select(d => d.Id));
        Assert.Equal(0, await _decisions.PruneAsync(now - TimeSpan.FromDays(30), Ct));
    }

    [Fact]
    public async Task Pruner_RemovesOnlyPastItsRetention_AndNothingWithoutOne()
    {
        var now = _store.Time.GetUtcNow();
        var old = await _decisions.RecordAsync("acme", Request("bob") with { Time = now - TimeSpan.FromDays(8) }, Ct);
        var kept = await _decisions.RecordAsync("acme", Request("bob") with { Time = now - TimeSpan.FromDays(6) }, Ct);
        var without = new DecisionPruner(_decisions, Microsoft.Extensions.Options.Options.Create(new DecisionLogOptions()), _store.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<DecisionPruner>.Instance);
        var weekly = new DecisionPruner(_decisions, Microsoft.Extensions.Options.Options.Create(new DecisionLogOptions { Retention = TimeSpan.FromDays(7) }), _store.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<DecisionPruner>.Instance);

        Assert.Equal(0, await without.PruneOnceAsync(Ct));
        Assert.Equal(1, await weekly.PruneOnceAsync(Ct));

        Assert.Null(await _decisions.GetAsync("acme", old.Id, Ct));
        Assert.NotNull(await _decisions.GetAsync("acme", kept.Id, Ct));
    }

    [Theory]
    [InlineData("00:00:30", "01:00:00", "Aos:Governance:Decisions:Retention")]
    [InlineData("7.00:00:00", "00:00:00", "Aos:Governance:Decisions:PruneInterval")]
    public void Options_OutOfRange_AreRefusedNamingTheSetting(string retention, string interval, string named)
    {
        var options = new DecisionLogOptions
        {
            Retention = TimeSpan.Parse(retention, System.Globalization.CultureInfo.InvariantCulture),
            PruneInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture),
        };

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(options.Validate);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_ChoiceNotAmongTheOptions_IsRefused()
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await _decisions.RecordAsync("acme", Request("bob") with { Choice = "cut" }, Ct));

        Assert.Equal("choice", error.Field);
        Assert.Contains("'cut' is not one of the options considered (raise, hold)", error.Message, StringComparison.Ordinal);
        Assert.Empty((await _decisions.ListAsync("acme", cancellationToken: Ct)).Items);
    }

    [Fact]
    public async Task Record_WithoutOptions_TakesAnyChoice()
    {
        var decision = await _decisions.RecordAsync("acme", Request("bob") with { Options = [], Choice = "cut" }, Ct);

        Assert.Equal("cut", decision.Choice);
    }

    [Theory]
    [InlineData("", "raise", "why", "decidedBy")]
    [InlineData("bob", " ", "why", "choice")]
    [InlineData("bob", "raise", "", "rationale")]
    public async Task Record_MissingRequiredField_IsRefusedNamingIt(string decidedBy, string choice, string rationale, string field)
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(
            async () => await _decisions.RecordAsync("acme", Request(decidedBy) with { Choice = choice, Rationale = rationale }, Ct));

        Assert.Equal(field, error.Field);
        Assert.Contains("is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_DuplicateOptionNames_AreRefused()
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(
            async () => await _decisions.RecordAsync("acme", Request("bob") with { Options = [new("raise"), new("raise")] }, Ct));

        Assert.Equal("options", error.Field);
    }

    [Fact]
    public async Task List_OldestFirst_FiltersByPrincipalAndTime_AndPages()
    {
        var start = _store.Time.GetUtcNow();
        foreach (var who in (string[])["alice", "bob", "alice", "alice"])
        {
            await _decisions.RecordAsync("acme", Request(who), Ct);
            _store.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var all = (await _decisions.ListAsync("acme", cancellationToken: Ct)).Items;
        Assert.Equal([start, start.AddMinutes(1), start.AddMinutes(2), start.AddMinutes(3)], all.Select(d => d.Time));
        Assert.Equal(3, (await _decisions.ListAsync("acme", new DecisionQuery { DecidedBy = "alice" }, Ct)).Items.Count);
        Assert.Equal([start.AddMinutes(1), start.AddMinutes(2)], (await _decisions.ListAsync("acme", new DecisionQuery { From = start.AddMinutes(1), To = start.AddMinutes(3) }, Ct)).Items.Select(d => d.Time));

        var first = await _decisions.ListAsync("acme", new DecisionQuery { DecidedBy = "alice", Limit = 2 }, Ct);
        var second = await _decisions.ListAsync("acme", new DecisionQuery { DecidedBy = "alice", Limit = 2, After = first.Next }, Ct);
        Assert.Equal([start, start.AddMinutes(2)], first.Items.Select(d => d.Time));
        Assert.Equal([start.AddMinutes(3)], second.Items.Select(d => d.Time));
        Assert.Null(second.Next);
        Assert.Equal("after", (await Assert.ThrowsAsync<AosValidationException>(async () => await _decisions.ListAsync("acme", new DecisionQuery { After = "x" }, Ct))).Field);
    }

    [Fact]
    public async Task Links_AreKept_OnceEach()
    {
        var decision = await _decisions.RecordAsync("acme", Request("bob") with { AuditEntries = ["7"] }, Ct);

        await _decisions.LinkAuditEntryAsync("acme", decision.Id, "8", Ct);
        await _decisions.LinkAuditEntryAsync("acme", decision.Id, "7", Ct);
        await _decisions.LinkApprovalAsync("acme", decision.Id, "apr-9", Ct);
        var linked = await _decisions.LinkApprovalAsync("acme", decision.Id, "apr-9", Ct);

        Assert.Equal(["7", "8"], linked!.AuditEntries);
        Assert.Equal(["apr-9"], linked.Approvals);
        var read = await _decisions.GetAsync("acme", decision.Id, Ct);
        Assert.Equal(["7", "8"], read!.AuditEntries);
        Assert.Equal(["apr-9"], read.Approvals);
        Assert.Equal("auditEntry", (await Assert.ThrowsAsync<AosValidationException>(async () => await _decisions.LinkAuditEntryAsync("acme", decision.Id, " ", Ct))).Field);
    }

    [Fact]
    public async Task ConcurrentLinks_AreAllKept()
    {
        var decision = await _decisions.RecordAsync("acme", Request("bob"), Ct);

        await Task.WhenAll(Enumerable.Range(1, 4).Select(i => _decisions.LinkAuditEntryAsync("acme", decision.Id, $"{i}", Ct).AsTask()));

        Assert.Equal(["1", "2", "3", "4"], (await _decisions.GetAsync("acme", decision.Id, Ct))!.AuditEntries.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnotherTenantsDecision_IsNotFound_NorListed_NorLinked()
    {
        var decision = await _decisions.RecordAsync("acme", Request("bob"), Ct);

        Assert.Null(await _decisions.GetAsync("globex", decision.Id, Ct));
        Assert.Empty((await _decisions.ListAsync("globex", cancellationToken: Ct)).Items);
        Assert.Null(await _decisions.LinkAuditEntryAsync("globex", decision.Id, "1", Ct));
        Assert.Null(await _decisions.LinkApprovalAsync("globex", decision.Id, "apr-1", Ct));
        Assert.Empty((await _decisions.GetAsync("acme", decision.Id, Ct))!.AuditEntries);
    }

    private static DecisionRequest Request(string decidedBy) => new()
    {
        DecidedBy = decidedBy,
        Options = [new DecisionOption("raise", "Raise prices 5%", 0.7), new DecisionOption("hold")],
        Choice = "raise",
        Rationale = "Costs rose 8%.",
    };
}
