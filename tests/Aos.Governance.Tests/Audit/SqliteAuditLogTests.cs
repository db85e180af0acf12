using System.Text.Json;
using Aos.Governance.Audit;

namespace Aos.Governance.Tests.Audit;

public sealed class SqliteAuditLogTests
{
    [Fact]
    public async Task AppendAsync_ReturnsDurableChainedEntry()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();

        var first = await fixture.Log.AppendAsync(AuditLogFixture.Record(1), ct);
        var second = await fixture.Log.AppendAsync(AuditLogFixture.Record(2), ct);

        Assert.Equal(1, first.Id);
        Assert.Equal(new string('0', 64), first.PreviousHash);
        Assert.Equal(first.Hash, second.PreviousHash);
        Assert.Equal(fixture.Time.GetUtcNow(), first.Time);
        Assert.Equal("""{"n":1,"z":{"a":[1,"x"],"b":2}}""", first.Context);
        var stored = await fixture.Log.QueryAsync(new AuditQuery(), ct);
        Assert.Equal([first, second], stored.Entries);
    }

    [Fact]
    public async Task QueryAsync_Pages_InInsertionOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(250, ct);

        var ids = new List<long>();
        long? after = null;
        var pages = 0;
        do
        {
            var page = await fixture.Log.QueryAsync(new AuditQuery { After = after }, ct);
            ids.AddRange(page.Entries.Select(e => e.Id));
            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(1, 250).Select(i => (long)i), ids);
    }

    [Fact]
    public async Task QueryAsync_Filters_MatchEveryField()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(12, ct);
        var start = fixture.Time.GetUtcNow();
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        var late = await fixture.Log.AppendAsync(AuditLogFixture.Record(13, actor: "mallory", level: AuditLevel.Critical), ct);

        Assert.Equal((long[])[late.Id], Ids(await fixture.Log.QueryAsync(new AuditQuery { Actor = "mallory" }, ct)));
        Assert.Equal((long[])[late.Id], Ids(await fixture.Log.QueryAsync(new AuditQuery { Level = AuditLevel.Critical }, ct)));
        Assert.Equal((long[])[late.Id], Ids(await fixture.Log.QueryAsync(new AuditQuery { From = start.AddMinutes(1) }, ct)));
        Assert.Equal(12, (await fixture.Log.QueryAsync(new AuditQuery { To = start.AddMinutes(1) }, ct)).Entries.Count);
        Assert.Equal((long[])[4L, 8, 12], Ids(await fixture.Log.QueryAsync(new AuditQuery { Action = "agents.spawn" }, ct)));
        Assert.Equal((long[])[7L], Ids(await fixture.Log.QueryAsync(new AuditQuery { Resource = "agent/7" }, ct)));
        Assert.Equal((long[])[2L, 4], Ids(await fixture.Log.QueryAsync(new AuditQuery { Tenant = "acme", Limit = 2 }, ct)));
        Assert.Equal((long[])[1L, 7], Ids(await fixture.Log.QueryAsync(new AuditQuery { Tenant = "globex", Actor = "user-1" }, ct)));
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Log.QueryAsync(new AuditQuery { Limit = 1001 }, ct));
    }

    [Fact]
    public async Task AppendAsync_Concurrent_GivesGapFreeValidChain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();

        var appenders = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            var ids = new List<long>();
            for (var i = 0; i < 500; i++)
            {
                ids.Add((await fixture.Log.AppendAsync(AuditLogFixture.Record(t * 1000 + i), ct)).Id);
            }

            return ids;
        }, ct));
        var all = (await Task.WhenAll(appenders)).SelectMany(ids => ids).Order().ToList();

        Assert.Equal(Enumerable.Range(1, 4000).Select(i => (long)i), all);
        var verification = await fixture.Log.VerifyAsync(ct);
        Assert.True(verification.Ok, verification.Detail);
        Assert.Equal(4000, verification.EntriesChecked);
    }

    [Fact]
    public async Task AppendAsync_AfterReopen_ContinuesTheChain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(150, ct);

        await fixture.ReopenAsync();
        var next = await fixture.Log.AppendAsync(AuditLogFixture.Record(151), ct);

        Assert.Equal(151, next.Id);
        Assert.True((await fixture.Log.VerifyAsync(ct)).Ok);
    }

    [Fact]
    public async Task AppendAsync_ContextNotAnObject_IsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Log.AppendAsync(
            AuditLogFixture.Record(1) with { Context = JsonDocument.Parse("[1]").RootElement }, ct));

        Assert.Contains("JSON object", error.Message, StringComparison.Ordinal);
        Assert.Empty((await fixture.Log.QueryAsync(new AuditQuery(), ct)).Entries);
    }

    [Fact]
    public void Options_Invalid_NameTheOption()
    {
        var error = Assert.Throws<ArgumentException>(() => new SqliteAuditLog(new AuditLogOptions { DatabasePath = "x.db" }, TimeProvider.System));
        Assert.Contains("KeyDirectory", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => new AuditLogOptions { DatabasePath = "x", KeyDirectory = "k", CheckpointEvery = 0 }.Validate());
        Assert.Contains("CheckpointEvery", error.Message, StringComparison.Ordinal);
    }

    private static long[] Ids(AuditPage page) => [.. page.Entries.Select(e => e.Id)];
}
