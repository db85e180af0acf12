using System.Text.Json;
using Aos.Governance.Audit;

namespace Aos.Governance.Tests.Audit;

/// <summary>Queries over complete blocks (read through their postings) against the same filters applied to every entry.</summary>
public sealed class AuditBlockIndexTests
{
    private const int Block = AuditBlockIndex.BlockSize;

    [Fact]
    public async Task QueryAsync_AcrossBlocks_ReturnsWhatAFullScanReturns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture(checkpointEvery: 1000);
        var all = await AppendAsync(fixture, (2 * Block) + 500, minutesEvery: 700, ct);

        AuditQuery[] queries =
        [
            new() { Actor = "user-3" },
            new() { Actor = "user-3", Action = "agents.spawn" },
            new() { Resource = "agent/rare", Limit = 1000 },
            new() { Tenant = "globex", Level = AuditLevel.Warning, Limit = 7 },
            new() { Action = "agents.spawn", Tenant = "acme", Actor = "user-0", Resource = "agent/5" },
            new() { Actor = "nobody" },
            new() { Level = AuditLevel.Critical, Limit = 1000 },
            new() { Actor = "user-1", From = all[Block + 10].Time, To = all[(2 * Block) + 20].Time, Limit = 1000 },
            new() { From = all[(2 * Block) - 3].Time, Limit = 10 },
            new() { To = all[5].Time },
            new() { Tenant = "acme", After = Block - 2, Limit = 5 },
            new() { Actor = "user-2", After = (2 * Block) - 1, Limit = 3 },
        ];

        foreach (var query in queries)
        {
            Assert.Equal(Expected(all, query), await ReadAllAsync(fixture.Log, query, ct));
        }
    }

    [Fact]
    public async Task QueryAsync_AfterRestartMidBlock_IndexesTheBlockWithEntriesFromBeforeTheRestart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture(checkpointEvery: 1000);
        var before = await AppendAsync(fixture, Block - 100, minutesEvery: 0, ct);
        await fixture.ReopenAsync();
        var after = await AppendAsync(fixture, 300, minutesEvery: 0, ct, first: Block - 100);
        var all = before.Concat(after).ToList();

        // The first block closed after the restart: its postings must cover the entries written before it.
        Assert.Equal(1, Count(fixture, "SELECT COUNT(*) FROM audit_blocks"));
        var query = new AuditQuery { Actor = "user-4", Limit = 1000 };
        Assert.Equal(Expected(all, query), await ReadAllAsync(fixture.Log, query, ct));
        Assert.True((await fixture.Log.VerifyAsync(ct)).Ok);
    }

    [Fact]
    public async Task QueryAsync_AfterArchivingPartOfABlock_SkipsTheArchivedEntries()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture(checkpointEvery: 1000);
        var all = await AppendAsync(fixture, (2 * Block) + 10, minutesEvery: 1, ct);
        using var archive = new MemoryStream();

        var cutoff = all[Block + 300].Time;

        var archived = await fixture.Log.ArchiveAsync(cutoff, archive, ct);

        // The first block went whole, the second in part: only the second keeps its postings.
        Assert.InRange(archived, Block + 1, (2 * Block) - 1);
        Assert.Equal(all.Count(e => e.Time < cutoff), archived);
        Assert.Equal(1, Count(fixture, "SELECT COUNT(*) FROM audit_blocks"));
        var query = new AuditQuery { Tenant = "acme", Limit = 1000 };
        var live = all.Where(e => e.Time >= cutoff).ToList();
        Assert.Equal(Expected(live, query), await ReadAllAsync(fixture.Log, query, ct));
    }

    [Fact]
    public async Task Open_LogWithPerFieldIndexes_MigratesToBlockPostings()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture(checkpointEvery: 1000);
        var all = await AppendAsync(fixture, Block + 50, minutesEvery: 0, ct);

        // Turn the file back into the first schema: per-field indexes, no postings, version 0.
        fixture.Execute("""
            DROP TABLE audit_postings; DROP TABLE audit_blocks;
            CREATE INDEX audit_entries_tenant ON audit_entries (tenant, seq);
            CREATE INDEX audit_entries_actor ON audit_entries (actor, seq);
            CREATE INDEX audit_entries_time ON audit_entries (time);
            PRAGMA user_version = 0;
            """);
        await fixture.ReopenAsync();
        var next = await AppendAsync(fixture, 10, minutesEvery: 0, ct, first: Block + 50);

        Assert.Equal(0, Count(fixture, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'audit_entries_%'"));
        Assert.Equal(1, Count(fixture, "SELECT COUNT(*) FROM audit_blocks"));
        Assert.Equal(1, Count(fixture, "PRAGMA user_version"));
        var query = new AuditQuery { Actor = "user-2", Limit = 1000 };
        Assert.Equal(Expected([.. all, .. next], query), await ReadAllAsync(fixture.Log, query, ct));
    }

    [Fact]
    public async Task AppendAsync_ClockStepsBack_EntryTimesNeverDecrease()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        var clock = new SteppingClock(fixture.Time.GetUtcNow());
        await using var log = new SqliteAuditLog(new AuditLogOptions { DatabasePath = fixture.Options.DatabasePath + ".stepping", KeyDirectory = fixture.Options.KeyDirectory }, clock);
        var first = await log.AppendAsync(AuditLogFixture.Record(1), ct);

        clock.Now = first.Time.AddMinutes(-5);
        var second = await log.AppendAsync(AuditLogFixture.Record(2), ct);
        clock.Now = first.Time.AddMinutes(1);
        var third = await log.AppendAsync(AuditLogFixture.Record(3), ct);

        Assert.Equal(first.Time, second.Time);
        Assert.Equal(clock.Now, third.Time);
        Assert.True((await log.VerifyAsync(ct)).Ok);
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 0, 5, 4095 })]
    [InlineData(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 })]
    public void Encode_ThenIntersect_GivesTheSameOffsets(int[] offsets)
    {
        // Lists shorter than a bitmap are stored as 16-bit offsets; longer ones as the bitmap.
        var dense = Enumerable.Range(0, Block).Where(i => i % 3 == 0).ToArray();
        foreach (var set in (int[][])[offsets, dense])
        {
            var encoded = AuditBlockIndex.Encode([.. set.Select(i => (ushort)i)]);
            var bits = new ulong[Block / 64];
            bits.AsSpan().Fill(ulong.MaxValue);
            AuditBlockIndex.IntersectInto(encoded, bits);

            Assert.Equal(set, AuditBlockIndex.Offsets(bits));
            Assert.True(encoded.Length <= AuditBlockIndex.BitmapBytes);
        }
    }

    private static async Task<List<AuditEntry>> AppendAsync(AuditLogFixture fixture, int count, int minutesEvery, CancellationToken cancellationToken, int first = 0)
    {
        var entries = new List<AuditEntry>(count);
        for (var start = first; start < first + count; start += 250)
        {
            var records = Enumerable.Range(start, Math.Min(250, first + count - start)).Select(Record).ToArray();
            entries.AddRange(await fixture.Log.AppendManyAsync(records, cancellationToken));
            if (minutesEvery > 0)
            {
                fixture.Time.Advance(TimeSpan.FromMinutes(minutesEvery));
            }
        }

        return entries;
    }

    private static AuditRecord Record(int i) => new()
    {
        Tenant = i % 3 == 0 ? "acme" : "globex",
        Actor = $"user-{i % 7}",
        Action = i % 5 == 0 ? "agents.spawn" : "messages.send",
        Resource = i % 997 == 0 ? "agent/rare" : $"agent/{i % 11}",
        Outcome = "allowed",
        Level = i % 13 == 0 ? AuditLevel.Warning : i % 1999 == 0 ? AuditLevel.Critical : AuditLevel.Info,
        Context = JsonDocument.Parse($$"""{"n":{{i}}}""").RootElement,
    };

    private static List<long> Expected(IEnumerable<AuditEntry> all, AuditQuery query) =>
        [.. all.Where(e =>
            e.Id > (query.After ?? 0)
            && (query.Tenant is null || e.Tenant == query.Tenant)
            && (query.Actor is null || e.Actor == query.Actor)
            && (query.Action is null || e.Action == query.Action)
            && (query.Resource is null || e.Resource == query.Resource)
            && (query.Level is null || e.Level == query.Level)
            && (query.From is null || e.Time >= query.From)
            && (query.To is null || e.Time < query.To))
            .Select(e => e.Id)];

    /// <summary>Reads every page of a query, checking that each page but the last is full and that the cursor moves forward.</summary>
    private static async Task<List<long>> ReadAllAsync(SqliteAuditLog log, AuditQuery query, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        var current = query;
        while (true)
        {
            var page = await log.QueryAsync(current, cancellationToken);
            ids.AddRange(page.Entries.Select(e => e.Id));
            if (page.Next is not { } next)
            {
                return ids;
            }

            Assert.Equal(query.Limit, page.Entries.Count);
            Assert.Equal(page.Entries[^1].Id, next);
            current = current with { After = next };
        }
    }

    private static long Count(AuditLogFixture fixture, string sql)
    {
        using var connection = fixture.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>A clock that can be set backwards, as a wall clock corrected by NTP can.</summary>
    private sealed class SteppingClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
