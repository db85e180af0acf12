using Aos.Governance.Audit;

namespace Aos.Governance.Tests.Audit;

public sealed class AuditArchiveTests
{
    [Fact]
    public async Task ArchiveAsync_MovesOldEntries_AndBothPartsStillVerify()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(150, ct);
        fixture.Time.Advance(TimeSpan.FromDays(31));
        var cutoff = fixture.Time.GetUtcNow();
        await fixture.AppendAsync(60, ct);
        using var archive = new MemoryStream();

        var archived = await fixture.Log.ArchiveAsync(cutoff, archive, ct);

        Assert.Equal(150, archived);
        var remaining = await fixture.Log.QueryAsync(new AuditQuery(), ct);
        Assert.Equal(151, remaining.Entries[0].Id);
        var live = await fixture.Log.VerifyAsync(ct);
        Assert.True(live.Ok, live.Detail);
        Assert.Equal(60, live.EntriesChecked);
        archive.Position = 0;
        var offline = await AuditVerifier.VerifyJsonLinesAsync(archive, AuditVerifier.LoadKeys(fixture.Options.KeyDirectory), ct);
        Assert.True(offline.Ok, offline.Detail);
        Assert.Equal(150, offline.EntriesChecked);

        // The chain goes on from the anchor, across a restart.
        await fixture.ReopenAsync();
        Assert.Equal(211, (await fixture.Log.AppendAsync(AuditLogFixture.Record(211), ct)).Id);
        Assert.True((await fixture.Log.VerifyAsync(ct)).Ok);
    }

    [Fact]
    public async Task ArchiveAsync_TwiceThenTamper_StillDetected()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(50, ct);
        fixture.Time.Advance(TimeSpan.FromDays(1));
        await fixture.AppendAsync(50, ct);
        fixture.Time.Advance(TimeSpan.FromDays(1));
        await fixture.AppendAsync(50, ct);

        await fixture.Log.ArchiveAsync(fixture.Time.GetUtcNow().AddDays(-1.5), Stream.Null, ct);
        using var second = new MemoryStream();
        Assert.Equal(50, await fixture.Log.ArchiveAsync(fixture.Time.GetUtcNow().AddDays(-0.5), second, ct));
        second.Position = 0;
        Assert.True((await AuditVerifier.VerifyJsonLinesAsync(second, AuditVerifier.LoadKeys(fixture.Options.KeyDirectory), ct)).Ok);

        fixture.Execute("UPDATE audit_entries SET resource = 'agent/x' WHERE seq = 120");
        var verification = await fixture.Log.VerifyAsync(ct);
        Assert.Equal((false, 120L, AuditProblems.HashMismatch), (verification.Ok, verification.FirstBad, verification.Problem));

        // The anchor is signed: moving it to fit a cut head fails.
        fixture.Execute("UPDATE audit_entries SET resource = 'agent/120' WHERE seq = 120");
        fixture.Execute("DELETE FROM audit_entries WHERE seq = 101");
        verification = await fixture.Log.VerifyAsync(ct);
        Assert.Equal((false, 102L, AuditProblems.ChainBroken), (verification.Ok, verification.FirstBad, verification.Problem));
    }

    [Fact]
    public async Task ArchiveAsync_TamperedLog_ArchivesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(20, ct);
        fixture.Execute("UPDATE audit_entries SET actor = 'x' WHERE seq = 3");

        await Assert.ThrowsAsync<AosException>(() => fixture.Log.ArchiveAsync(fixture.Time.GetUtcNow().AddDays(1), Stream.Null, ct));

        Assert.Equal(20, (await fixture.Log.QueryAsync(new AuditQuery(), ct)).Entries.Count);
    }
}
