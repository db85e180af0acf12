using System.Text.Json.Nodes;
using Aos.Governance.Compliance;
using Aos.Governance.Decisions;

namespace Aos.Governance.Tests.Compliance;

/// <summary>Custom frameworks: stored installation-wide in a real SQLite governance store, checked whole, built-in ids refused.</summary>
public sealed class ComplianceFrameworksTests : IAsyncDisposable
{
    private readonly SqliteGovernanceStore _store = new();
    private readonly ComplianceService _compliance;

    public ComplianceFrameworksTests() => _compliance = new ComplianceService(_store.Catalog, new DecisionLog(_store.Catalog, _store.Time));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    internal static ComplianceFramework Custom(string id = "acme-sec") => new()
    {
        Id = id,
        Name = "Acme security baseline",
        Version = "1",
        Controls =
        [
            new ComplianceControl
            {
                Id = "AC-1",
                Title = "Keys are approved",
                Actions = ["api-key.*"],
                Preconditions = [new ComplianceCondition { Id = "approved", Path = "context.approval.status", Operator = "eq", Value = "approved", Actions = ["api-key.create"] }],
                Postconditions = [new ComplianceCondition { Id = "recorded", Check = ComplianceChecks.DecisionRecord }],
            },
        ],
    };

    [Fact]
    public async Task List_WithNoCustom_ReturnsTheBuiltIns()
    {
        var frameworks = await _compliance.ListFrameworksAsync(Ct);

        Assert.Equal(["soc2", "iso27001"], frameworks.Select(f => f.Id));
    }

    [Fact]
    public async Task Put_ValidCustom_StoresCreatesThenReplaces()
    {
        var (created, isNew) = await _compliance.PutFrameworkAsync(Custom() with { BuiltIn = true }, Ct);
        var (_, isNewAgain) = await _compliance.PutFrameworkAsync(Custom() with { Version = "2" }, Ct);

        Assert.True(isNew);
        Assert.False(isNewAgain);
        Assert.False(created.BuiltIn);
        var stored = await _compliance.GetFrameworkAsync("acme-sec", Ct);
        Assert.NotNull(stored);
        Assert.Equal(("2", false, "AC-1"), (stored.Version, stored.BuiltIn, stored.Controls[0].Id));
        Assert.Equal("approved", stored.Controls[0].Preconditions[0].Value!.GetValue<string>());
        Assert.Equal(["soc2", "iso27001", "acme-sec"], (await _compliance.ListFrameworksAsync(Ct)).Select(f => f.Id));
    }

    [Fact]
    public async Task Delete_Custom_RemovesIt()
    {
        await _compliance.PutFrameworkAsync(Custom(), Ct);

        Assert.True(await _compliance.DeleteFrameworkAsync("acme-sec", Ct));
        Assert.False(await _compliance.DeleteFrameworkAsync("acme-sec", Ct));
        Assert.Null(await _compliance.GetFrameworkAsync("acme-sec", Ct));
    }

    [Theory]
    [InlineData("soc2")]
    [InlineData("iso27001")]
    public async Task PutAndDelete_BuiltInId_AreRefused(string id)
    {
        var put = await Assert.ThrowsAsync<ComplianceFrameworkReadOnlyException>(() => _compliance.PutFrameworkAsync(Custom(id), Ct));
        var delete = await Assert.ThrowsAsync<ComplianceFrameworkReadOnlyException>(() => _compliance.DeleteFrameworkAsync(id, Ct));

        Assert.Contains("built-in", put.Message, StringComparison.Ordinal);
        Assert.Equal(id, delete.Framework);
        Assert.True((await _compliance.GetFrameworkAsync(id, Ct))!.BuiltIn);
    }

    public static TheoryData<string, string, string> BadFrameworks => new()
    {
        { "id", "Acme", "lowercase" },
        { "controls", "no-controls", "1 to 500 controls" },
        { "controls[0].actions[0]", "bad-glob", "'*' may only end it" },
        { "controls[0].preconditions[0].path", "bad-path", "not a field of an audit entry" },
        { "controls[0].preconditions[0].operator", "bad-operator", "'is' is not an operator" },
        { "controls[0].preconditions[0].value", "bad-value", "'in' needs a non-empty list" },
        { "controls[0].postconditions[0].check", "bad-check", "'signed' is not a check" },
        { "controls[1].id", "duplicate-control", "used twice" },
        { "controls[0].preconditions[0].when[0].path", "bad-when", "not a field path" },
    };

    [Theory]
    [MemberData(nameof(BadFrameworks))]
    public async Task Put_BadCustom_IsRefusedNamingTheFieldAndStoresNothing(string field, string id, string reason)
    {
        var good = Custom(id == "Acme" ? "Acme" : "acme-sec");
        var control = good.Controls[0];
        var condition = control.Preconditions[0];
        var bad = id switch
        {
            "no-controls" => good with { Controls = [] },
            "bad-glob" => good with { Controls = [control with { Actions = ["api-*.create"] }] },
            "bad-path" => With(good, condition with { Path = "payload.amount" }),
            "bad-operator" => With(good, condition with { Operator = "is" }),
            "bad-value" => With(good, condition with { Operator = "in", Value = "approved" }),
            "bad-check" => good with { Controls = [control with { Postconditions = [new ComplianceCondition { Id = "x", Check = "signed" }] }] },
            "duplicate-control" => good with { Controls = [control, control] },
            "bad-when" => With(good, condition with { When = [new ComplianceFieldCondition { Path = "context..status", Operator = "exists" }] }),
            _ => good,
        };

        var e = await Assert.ThrowsAsync<AosValidationException>(() => _compliance.PutFrameworkAsync(bad, Ct));

        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was stored", e.Message, StringComparison.Ordinal);
        Assert.Equal(["soc2", "iso27001"], (await _compliance.ListFrameworksAsync(Ct)).Select(f => f.Id));
    }

    private static ComplianceFramework With(ComplianceFramework framework, ComplianceCondition condition) =>
        framework with { Controls = [framework.Controls[0] with { Preconditions = [condition] }] };

    [Fact]
    public async Task Put_ConditionBothCheckAndField_IsRefused()
    {
        var framework = With(Custom(), new ComplianceCondition { Id = "x", Check = ComplianceChecks.AuditChain, Path = "actor", Operator = "exists", Value = JsonValue.Create(true) });

        var e = await Assert.ThrowsAsync<AosValidationException>(() => _compliance.PutFrameworkAsync(framework, Ct));

        Assert.Equal("controls[0].preconditions[0]", e.Field);
    }
}
