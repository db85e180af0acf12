using Aos.Governance.Risks;
using Aos.Storage;

namespace Aos.Governance.Tests.Risks;

/// <summary>The risk registry: scoring, validation, mitigations, reviews, concurrency and tenant isolation, on a real SQLite store.</summary>
public sealed class RiskRegistryTests : IAsyncDisposable
{
    private readonly SqliteGovernanceStore _store = new();
    private readonly RiskRegistry _risks;

    public RiskRegistryTests() => _risks = new RiskRegistry(_store.Catalog, _store.Time);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    [Theory]
    [InlineData(1, 1, 1, RiskLevel.Low)]
    [InlineData(2, 2, 4, RiskLevel.Low)]
    [InlineData(1, 5, 5, RiskLevel.Medium)]
    [InlineData(3, 3, 9, RiskLevel.Medium)]
    [InlineData(2, 5, 10, RiskLevel.High)]
    [InlineData(4, 4, 16, RiskLevel.High)]
    [InlineData(4, 5, 20, RiskLevel.Critical)]
    [InlineData(5, 5, 25, RiskLevel.Critical)]
    public async Task Create_ScoresAndLevels_AtTheBoundaries(int likelihood, int impact, int score, RiskLevel level)
    {
        var risk = await _risks.CreateAsync("acme", Request(likelihood, impact), Ct);

        Assert.Equal((score, level), (risk.Score, risk.Level));
        Assert.Equivalent(risk, await _risks.GetAsync("acme", risk.Id, Ct), strict: true);
    }

    [Fact]
    public void LevelOf_EveryScore_FollowsTheBands()
    {
        for (var likelihood = 1; likelihood <= 5; likelihood++)
        {
            for (var impact = 1; impact <= 5; impact++)
            {
                var score = likelihood * impact;
                var expected = score <= 4 ? RiskLevel.Low : score <= 9 ? RiskLevel.Medium : score <= 16 ? RiskLevel.High : RiskLevel.Critical;
                Assert.Equal(expected, Risk.LevelOf(score));
            }
        }
    }

    [Fact]
    public async Task Create_RecordsOwnerStatusAndFirstReview()
    {
        var now = _store.Time.GetUtcNow();

        var risk = await _risks.CreateAsync("acme", Request(2, 3) with { Category = "security", Description = "Keys in logs." }, Ct);

        Assert.Equal(("acme", "Leaked API key", "security", "alice", RiskStatus.Identified), (risk.Tenant, risk.Title, risk.Category, risk.Owner, risk.Status));
        Assert.Equal((RiskRegistry.DefaultReviewInterval, now + TimeSpan.FromDays(30), now, now), (risk.ReviewInterval, risk.NextReviewAt, risk.CreatedAt, risk.UpdatedAt));
        Assert.Null(risk.LastReviewedAt);
        Assert.NotEmpty(risk.ETag);
    }

    [Theory]
    [InlineData(0, 3, "likelihood")]
    [InlineData(6, 3, "likelihood")]
    [InlineData(3, 0, "impact")]
    [InlineData(3, 6, "impact")]
    public async Task Create_RatingOutOfRange_IsRefusedNamingTheField(int likelihood, int impact, string field)
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await _risks.CreateAsync("acme", Request(likelihood, impact), Ct));

        Assert.Equal(field, error.Field);
        Assert.Contains($"The {field} must be 1 to 5", error.Message, StringComparison.Ordinal);
        Assert.Empty((await _risks.ListAsync("acme", cancellationToken: Ct)).Items);
    }

    [Fact]
    public async Task Create_MissingTitleOrOwner_OrBadInterval_IsRefused()
    {
        var title = await Assert.ThrowsAsync<AosValidationException>(async () => await _risks.CreateAsync("acme", Request(1, 1) with { Title = " " }, Ct));
        var owner = await Assert.ThrowsAsync<AosValidationException>(async () => await _risks.CreateAsync("acme", Request(1, 1) with { Owner = "" }, Ct));
        var interval = await Assert.ThrowsAsync<AosValidationException>(async () => await _risks.CreateAsync("acme", Request(1, 1) with { ReviewInterval = TimeSpan.Zero }, Ct));
        var status = await Assert.ThrowsAsync<AosValidationException>(async () => await _risks.CreateAsync("acme", Request(1, 1) with { Status = RiskStatus.Closed }, Ct));

        Assert.Equal(["title", "owner", "reviewInterval", "status"], [title.Field, owner.Field, interval.Field, status.Field]);
    }

    [Fact]
    public async Task AddMitigation_SetsMitigating_AndKeepsTheMitigation()
    {
        var risk = await _risks.CreateAsync("acme", Request(4, 4), Ct);
        _store.Time.Advance(TimeSpan.FromMinutes(5));

        var mitigated = await _risks.AddMitigationAsync("acme", risk.Id, new MitigationRequest { Description = "Rotate keys weekly", Owner = "bob", Status = "planned" }, Ct);

        Assert.NotNull(mitigated);
        Assert.Equal(RiskStatus.Mitigating, mitigated.Status);
        var mitigation = Assert.Single(mitigated.Mitigations);
        Assert.Equal(("Rotate keys weekly", "bob", "planned", _store.Time.GetUtcNow()), (mitigation.Description, mitigation.Owner, mitigation.Status, mitigation.AddedAt));
        Assert.Equivalent(mitigated, await _risks.GetAsync("acme", risk.Id, Ct), strict: true);
    }

    [Theory]
    [InlineData(RiskStatus.Accepted)]
    [InlineData(RiskStatus.Closed)]
    public async Task AcceptedOrClosed_IsReadOnly_UntilReopened(RiskStatus final)
    {
        var risk = await _risks.CreateAsync("acme", Request(3, 3), Ct);
        await _risks.UpdateAsync("acme", risk.Id, new RiskUpdate { Status = final }, Ct);

        var mitigation = await Assert.ThrowsAsync<AosValidationException>(async () => await _risks.AddMitigationAsync("acme", risk.Id, new MitigationRequest { Description = "x" }, Ct));
        var update = await Assert.ThrowsAsync<AosValidationException>(async () => await _risks.UpdateAsync("acme", risk.Id, new RiskUpdate { Impact = 5 }, Ct));
        var review = await Assert.ThrowsAsync<AosValidationException>(async () => await _risks.MarkReviewedAsync("acme", risk.Id, cancellationToken: Ct));
        Assert.All([mitigation, update, review], e => Assert.Contains("reopen", e.Message, StringComparison.Ordinal));

        var reopened = await _risks.UpdateAsync("acme", risk.Id, new RiskUpdate { Status = RiskStatus.Assessed, Impact = 5 }, Ct);
        Assert.Equal((RiskStatus.Assessed, 15), (reopened!.Status, reopened.Score));
    }

    [Fact]
    public async Task Update_BackToIdentified_IsRefused()
    {
        var risk = await _risks.CreateAsync("acme", Request(3, 3) with { Status = RiskStatus.Assessed }, Ct);

        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await _risks.UpdateAsync("acme", risk.Id, new RiskUpdate { Status = RiskStatus.Identified }, Ct));

        Assert.Equal("status", error.Field);
    }

    [Fact]
    public async Task Update_ChangesRatingsAndOwner_AndRescores()
    {
        var risk = await _risks.CreateAsync("acme", Request(1, 2), Ct);

        var updated = await _risks.UpdateAsync("acme", risk.Id, new RiskUpdate { Likelihood = 5, Impact = 4, Owner = "carol", IfMatch = risk.ETag }, Ct);

        Assert.Equal((20, RiskLevel.Critical, "carol"), (updated!.Score, updated.Level, updated.Owner));
        Assert.NotEqual(risk.ETag, updated.ETag);
        Assert.Equal("impact", (await Assert.ThrowsAsync<AosValidationException>(async () => await _risks.UpdateAsync("acme", risk.Id, new RiskUpdate { Impact = 9 }, Ct))).Field);
    }

    [Fact]
    public async Task Update_WithAStaleETag_LosesWithAConflict_AndChangesNothing()
    {
        var risk = await _risks.CreateAsync("acme", Request(2, 2), Ct);
        var first = await _risks.UpdateAsync("acme", risk.Id, new RiskUpdate { Owner = "bob", IfMatch = risk.ETag }, Ct);

        var conflict = await Assert.ThrowsAsync<StorageConflictException>(async () => await _risks.UpdateAsync("acme", risk.Id, new RiskUpdate { Owner = "carol", IfMatch = risk.ETag }, Ct));
        var mitigation = await Assert.ThrowsAsync<StorageConflictException>(
            async () => await _risks.AddMitigationAsync("acme", risk.Id, new MitigationRequest { Description = "x", IfMatch = risk.ETag }, Ct));

        Assert.Contains("read it again and retry", conflict.Message, StringComparison.Ordinal);
        Assert.NotNull(mitigation);
        Assert.Equivalent(first, await _risks.GetAsync("acme", risk.Id, Ct), strict: true);
    }

    [Fact]
    public async Task ConcurrentUpdates_OneWins_TheOtherConflicts()
    {
        var risk = await _risks.CreateAsync("acme", Request(2, 2), Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await _risks.UpdateAsync("acme", risk.Id, new RiskUpdate { Owner = $"owner{i}", IfMatch = risk.ETag }, Ct);
                return true;
            }
            catch (StorageConflictException)
            {
                return false;
            }
        }));

        Assert.Single(results, won => won);
    }

    [Fact]
    public async Task DueForReview_AfterThirtyDays_ExcludesClosedAndAccepted_AndRespectsCustomIntervals()
    {
        var open = await _risks.CreateAsync("acme", Request(3, 3) with { Title = "open" }, Ct);
        var closed = await _risks.CreateAsync("acme", Request(3, 3) with { Title = "closed" }, Ct);
        var accepted = await _risks.CreateAsync("acme", Request(3, 3) with { Title = "accepted" }, Ct);
        var weekly = await _risks.CreateAsync("acme", Request(3, 3) with { Title = "weekly", ReviewInterval = TimeSpan.FromDays(7) }, Ct);
        await _risks.UpdateAsync("acme", closed.Id, new RiskUpdate { Status = RiskStatus.Closed }, Ct);
        await _risks.UpdateAsync("acme", accepted.Id, new RiskUpdate { Status = RiskStatus.Accepted }, Ct);

        _store.Time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(["weekly"], (await _risks.ListDueForReviewAsync("acme", cancellationToken: Ct)).Select(r => r.Title));

        await _risks.MarkReviewedAsync("acme", weekly.Id, cancellationToken: Ct);
        Assert.Empty(await _risks.ListDueForReviewAsync("acme", cancellationToken: Ct));

        _store.Time.Advance(TimeSpan.FromDays(23) - TimeSpan.FromSeconds(1));
        Assert.Equal(["weekly"], (await _risks.ListDueForReviewAsync("acme", cancellationToken: Ct)).Select(r => r.Title));

        _store.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["weekly", "open"], (await _risks.ListDueForReviewAsync("acme", cancellationToken: Ct)).Select(r => r.Title));
        Assert.Equal(["weekly"], (await _risks.ListDueForReviewAsync("acme", _store.Time.GetUtcNow().AddDays(-1), Ct)).Select(r => r.Title));

        var reviewed = await _risks.MarkReviewedAsync("acme", open.Id, cancellationToken: Ct);
        Assert.Equal((_store.Time.GetUtcNow(), _store.Time.GetUtcNow().AddDays(30)), (reviewed!.LastReviewedAt, reviewed.NextReviewAt));
    }

    [Fact]
    public async Task List_FiltersByStatusLevelAndOwner_AndPages()
    {
        var low = await _risks.CreateAsync("acme", Request(1, 1) with { Title = "low" }, Ct);
        _store.Time.Advance(TimeSpan.FromMilliseconds(1));
        await _risks.CreateAsync("acme", Request(5, 5) with { Title = "critical", Owner = "bob" }, Ct);
        _store.Time.Advance(TimeSpan.FromMilliseconds(1));
        await _risks.CreateAsync("acme", Request(3, 3) with { Title = "medium" }, Ct);
        await _risks.AddMitigationAsync("acme", low.Id, new MitigationRequest { Description = "x" }, Ct);

        Assert.Equal(["critical"], (await _risks.ListAsync("acme", new RiskQuery { Level = RiskLevel.Critical }, Ct)).Items.Select(r => r.Title));
        Assert.Equal(["critical"], (await _risks.ListAsync("acme", new RiskQuery { Owner = "bob" }, Ct)).Items.Select(r => r.Title));
        Assert.Equal(["low"], (await _risks.ListAsync("acme", new RiskQuery { Status = RiskStatus.Mitigating }, Ct)).Items.Select(r => r.Title));

        var first = await _risks.ListAsync("acme", new RiskQuery { Limit = 2 }, Ct);
        var second = await _risks.ListAsync("acme", new RiskQuery { Limit = 2, After = first.Next }, Ct);
        Assert.Equal(["low", "critical"], first.Items.Select(r => r.Title));
        Assert.Equal(["medium"], second.Items.Select(r => r.Title));
        Assert.Null(second.Next);
        Assert.Equal("limit", (await Assert.ThrowsAsync<AosValidationException>(async () => await _risks.ListAsync("acme", new RiskQuery { Limit = 0 }, Ct))).Field);
    }

    [Fact]
    public async Task AnotherTenantsRisk_IsNotFound_NorListed_NorChanged()
    {
        var risk = await _risks.CreateAsync("acme", Request(4, 5), Ct);
        _store.Time.Advance(TimeSpan.FromDays(31));

        Assert.Null(await _risks.GetAsync("globex", risk.Id, Ct));
        Assert.Empty((await _risks.ListAsync("globex", cancellationToken: Ct)).Items);
        Assert.Empty(await _risks.ListDueForReviewAsync("globex", cancellationToken: Ct));
        Assert.Null(await _risks.UpdateAsync("globex", risk.Id, new RiskUpdate { Owner = "mallory" }, Ct));
        Assert.Null(await _risks.AddMitigationAsync("globex", risk.Id, new MitigationRequest { Description = "x" }, Ct));
        Assert.Null(await _risks.MarkReviewedAsync("globex", risk.Id, cancellationToken: Ct));
        Assert.Equivalent(risk, await _risks.GetAsync("acme", risk.Id, Ct), strict: true);
    }

    private static RiskRequest Request(int likelihood, int impact) => new() { Title = "Leaked API key", Likelihood = likelihood, Impact = impact, Owner = "alice" };
}
