using Orleans;
using Orleans.Runtime;

namespace Aos.Conformance;

/// <summary>
/// Defines the behaviour every Orleans reminder table AOS runs on must have; a backend's test class derives from it and supplies the table.
/// </summary>
/// <remarks>
/// The contract: an upsert replaces the grain's reminder of that name and returns a new ETag; a remove succeeds only with the current ETag
/// (never with the ETag of an earlier registration of the same name); start times read back in UTC; a ring range (begin, end] holds the
/// grains whose uniform hash is above begin and up to end, wraps around when end is not above begin, and is the whole ring when they are
/// equal; reminders survive a restart. Each test starts on an empty table of its own.
/// </remarks>
public abstract class ReminderTableConformanceTests : IAsyncLifetime
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected IReminderTable Table { get; set; } = null!;

    public virtual async ValueTask InitializeAsync() => Table = await CreateTableAsync();

    public virtual async ValueTask DisposeAsync()
    {
        await DisposeTableAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates the table under test, started and empty, used by no other test.</summary>
    protected abstract ValueTask<IReminderTable> CreateTableAsync();

    /// <summary>Stops the table and starts it again on the same data, as a silo restart would.</summary>
    protected abstract ValueTask<IReminderTable> RestartTableAsync();

    protected virtual ValueTask DisposeTableAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task UpsertRow_NewReminder_ReturnsETagAndReadRowReturnsIt()
    {
        var grain = NewGrainId();
        var startAt = new DateTime(2030, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);

        var etag = await Table.UpsertRow(Entry(grain, "tick", startAt, TimeSpan.FromMinutes(5)), Ct);
        var read = await Table.ReadRow(grain, "tick", Ct);

        Assert.NotNull(etag);
        Assert.NotNull(read);
        Assert.Equal(grain, read.GrainId);
        Assert.Equal("tick", read.ReminderName);
        Assert.Equal(startAt, read.StartAt);
        Assert.Equal(TimeSpan.FromMinutes(5), read.Period);
        Assert.Equal(etag, read.ETag);
    }

    [Fact]
    public virtual async Task ReadRow_StartAt_IsOfUtcKind()
    {
        var grain = NewGrainId();
        await Table.UpsertRow(Entry(grain, "tick", new DateTime(2030, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc)), Ct);

        Assert.Equal(DateTimeKind.Utc, (await Table.ReadRow(grain, "tick", Ct))!.StartAt.Kind);
    }

    [Fact]
    public async Task UpsertRow_ExistingReminder_ReplacesItWithNewETag()
    {
        var grain = NewGrainId();
        var first = await Table.UpsertRow(Entry(grain, "tick", period: TimeSpan.FromMinutes(1)), Ct);

        var second = await Table.UpsertRow(Entry(grain, "tick", period: TimeSpan.FromMinutes(2)), Ct);

        Assert.NotEqual(first, second);
        var rows = await Table.ReadRows(grain, Ct);
        var row = Assert.Single(rows.Reminders);
        Assert.Equal(TimeSpan.FromMinutes(2), row.Period);
        Assert.Equal(second, row.ETag);
    }

    [Fact]
    public async Task UpsertRow_LocalStartTime_IsStoredAsUtc()
    {
        var grain = NewGrainId();
        var local = new DateTime(2030, 6, 1, 12, 0, 0, DateTimeKind.Local);

        await Table.UpsertRow(Entry(grain, "tick", local), Ct);

        Assert.Equal(local.ToUniversalTime(), (await Table.ReadRow(grain, "tick", Ct))!.StartAt);
    }

    [Fact]
    public async Task ReadRow_Missing_ReturnsNull()
    {
        Assert.Null(await Table.ReadRow(NewGrainId(), "nothing", Ct));
    }

    [Fact]
    public async Task RemoveRow_CurrentETag_RemovesAndReturnsTrue()
    {
        var grain = NewGrainId();
        var etag = await Table.UpsertRow(Entry(grain, "tick"), Ct);

        Assert.True(await Table.RemoveRow(grain, "tick", etag!, Ct));

        Assert.Null(await Table.ReadRow(grain, "tick", Ct));
    }

    [Fact]
    public async Task RemoveRow_StaleETag_ReturnsFalseAndKeepsTheReminder()
    {
        var grain = NewGrainId();
        var stale = await Table.UpsertRow(Entry(grain, "tick"), Ct);
        var current = await Table.UpsertRow(Entry(grain, "tick"), Ct);

        Assert.False(await Table.RemoveRow(grain, "tick", stale!, Ct));

        Assert.Equal(current, (await Table.ReadRow(grain, "tick", Ct))!.ETag);
    }

    [Fact]
    public virtual async Task RemoveRow_ETagNeverIssued_ReturnsFalseAndKeepsTheReminder()
    {
        var grain = NewGrainId();
        var current = await Table.UpsertRow(Entry(grain, "tick"), Ct);

        Assert.False(await Table.RemoveRow(grain, "tick", "not-a-number", Ct));

        Assert.Equal(current, (await Table.ReadRow(grain, "tick", Ct))!.ETag);
    }

    [Fact]
    public async Task RemoveRow_ETagOfRemovedRegistration_DoesNotRemoveTheNewOne()
    {
        var grain = NewGrainId();
        var old = await Table.UpsertRow(Entry(grain, "tick"), Ct);
        await Table.RemoveRow(grain, "tick", old!, Ct);
        await Table.UpsertRow(Entry(grain, "tick"), Ct);

        Assert.False(await Table.RemoveRow(grain, "tick", old!, Ct));
        Assert.NotNull(await Table.ReadRow(grain, "tick", Ct));
    }

    [Fact]
    public virtual async Task RemoveRow_Missing_ReturnsFalse()
    {
        Assert.False(await Table.RemoveRow(NewGrainId(), "tick", "1", Ct));
    }

    [Fact]
    public async Task ReadRows_Grain_ReturnsOnlyThatGrainsReminders()
    {
        var grain = NewGrainId();
        var other = NewGrainId();
        await Table.UpsertRow(Entry(grain, "a"), Ct);
        await Table.UpsertRow(Entry(grain, "b"), Ct);
        await Table.UpsertRow(Entry(other, "a"), Ct);

        var rows = await Table.ReadRows(grain, Ct);

        Assert.Equal(["a", "b"], rows.Reminders.Select(r => r.ReminderName).Order());
        Assert.All(rows.Reminders, r => Assert.Equal(grain, r.GrainId));
    }

    [Fact]
    public async Task ReadRows_Range_ReturnsHashesAboveBeginUpToEnd()
    {
        var grains = await RegisterManyAsync(40);
        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToArray();
        var begin = hashes[5];
        var end = hashes[30];

        var rows = await Table.ReadRows(begin, end, Ct);

        Assert.Equal(Expected(grains, begin, end), Hashes(rows));
        Assert.DoesNotContain(begin, Hashes(rows));
        Assert.Contains(end, Hashes(rows));
        Assert.Equal(25, rows.Reminders.Count);
    }

    [Fact]
    public async Task ReadRows_RangeWrappingAround_ReturnsHashesAboveBeginOrUpToEnd()
    {
        var grains = await RegisterManyAsync(40);
        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToArray();
        var begin = hashes[30];
        var end = hashes[5];

        var rows = await Table.ReadRows(begin, end, Ct);

        Assert.Equal(Expected(grains, begin, end), Hashes(rows));
        Assert.Equal(9 + 6, rows.Reminders.Count);
    }

    [Fact]
    public async Task ReadRows_BeginEqualsEnd_ReturnsTheWholeRing()
    {
        var grains = await RegisterManyAsync(10);

        var rows = await Table.ReadRows(grains[3].GetUniformHashCode(), grains[3].GetUniformHashCode(), Ct);

        Assert.Equal(10, rows.Reminders.Count);
    }

    [Fact]
    public async Task ReadRows_FullRangeFromZeroToMax_ReturnsEverything()
    {
        await RegisterManyAsync(10);

        Assert.Equal(10, (await Table.ReadRows(0, uint.MaxValue, Ct)).Reminders.Count);
    }

    [Fact]
    public async Task TestOnlyClearTable_RemovesEveryReminder()
    {
        await RegisterManyAsync(5);

        await Table.TestOnlyClearTable(Ct);

        Assert.Empty((await Table.ReadRows(0, 0, Ct)).Reminders);
    }

    [Fact]
    public async Task UpsertRow_AfterRestart_ReminderIsStillThere()
    {
        var grain = NewGrainId();
        var etag = await Table.UpsertRow(Entry(grain, "tick"), Ct);

        Table = await RestartTableAsync();

        Assert.Equal(etag, (await Table.ReadRow(grain, "tick", Ct))!.ETag);
    }

    protected static GrainId NewGrainId() => GrainId.Create("reminder-grain", Guid.NewGuid().ToString("N"));

    protected static ReminderEntry Entry(GrainId grain, string name, DateTime? startAt = null, TimeSpan? period = null) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = startAt ?? new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        Period = period ?? TimeSpan.FromMinutes(1),
    };

    private async Task<List<GrainId>> RegisterManyAsync(int count)
    {
        var grains = Enumerable.Range(0, count).Select(_ => NewGrainId()).ToList();
        await Task.WhenAll(grains.Select(g => Table.UpsertRow(Entry(g, "tick"), Ct)));
        return grains;
    }

    private static uint[] Hashes(ReminderTableData rows) => [.. rows.Reminders.Select(r => r.GrainId.GetUniformHashCode()).Order()];

    private static uint[] Expected(IEnumerable<GrainId> grains, uint begin, uint end) =>
    [
        .. grains.Select(g => g.GetUniformHashCode())
            .Where(h => begin < end ? h > begin && h <= end : h > begin || h <= end)
            .Order(),
    ];
}
