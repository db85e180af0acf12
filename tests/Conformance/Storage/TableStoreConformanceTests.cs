using Aos.Storage;

namespace Aos.Conformance.Storage;

/// <summary>Defines the behaviour every <see cref="ITableStore"/> must have.</summary>
public abstract class TableStoreConformanceTests : StorageConformanceTests
{
    private ITableStore Store => Provider.GetTableStore(StoreName);

    private static TableEntity Entity(string partition, string row, params (string Name, object? Value)[] properties) =>
        new(partition, row, properties.ToDictionary(p => p.Name, p => p.Value));

    private async Task<List<string>> QueryRowsAsync(string partition, params FieldCondition[] conditions)
    {
        var rows = new List<string>();
        await foreach (var entity in Store.QueryAsync(partition, conditions, Ct))
        {
            rows.Add(entity.RowKey);
        }

        return rows;
    }

    [Fact]
    public async Task AddAsync_ThenGetAsync_RoundTripsEveryTypeWithItsType()
    {
        var when = new DateTimeOffset(2026, 11, 30, 10, 15, 30, TimeSpan.FromHours(2)).AddTicks(1234567);
        var id = Guid.NewGuid();
        var added = await Store.AddAsync(Entity("p", "r",
            ("Text", "héllo"), ("Flag", true), ("Small", 42), ("Big", 9_007_199_254_740_993L), ("Ratio", 0.25), ("When", when), ("Id", id), ("Bytes", new byte[] { 1, 2, 3 }), ("Nothing", null)), Ct);

        var read = await Store.GetAsync("p", "r", Ct);

        Assert.NotNull(read);
        Assert.False(string.IsNullOrEmpty(added.ETag));
        Assert.Equal(added.ETag, read.ETag);
        Assert.NotNull(read.Timestamp);
        Assert.Equal("héllo", read.Get<string>("Text"));
        Assert.True(read.Get<bool>("Flag"));
        Assert.IsType<int>(read.Properties["Small"]);
        Assert.Equal(42, read.Get<int>("Small"));
        Assert.IsType<long>(read.Properties["Big"]);
        Assert.Equal(9_007_199_254_740_993L, read.Get<long>("Big"));
        Assert.IsType<double>(read.Properties["Ratio"]);
        Assert.Equal(0.25, read.Get<double>("Ratio"));
        Assert.Equal(when, read.Get<DateTimeOffset>("When"));
        Assert.Equal(TimeSpan.Zero, read.Get<DateTimeOffset>("When").Offset);
        Assert.Equal(id, read.Get<Guid>("Id"));
        Assert.Equal([1, 2, 3], read.Get<byte[]>("Bytes"));
        Assert.False(read.Properties.ContainsKey("Nothing"));
    }

    [Fact]
    public async Task AddAsync_Existing_ThrowsConflictAndKeepsEntity()
    {
        await Store.AddAsync(Entity("p", "r", ("V", 1)), Ct);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.AddAsync(Entity("p", "r", ("V", 2)), Ct));

        Assert.Equal(1, (await Store.GetAsync("p", "r", Ct))!.Get<int>("V"));
    }

    [Fact]
    public async Task UpsertAsync_WithoutETag_CreatesThenReplacesAllProperties()
    {
        var created = await Store.UpsertAsync(Entity("p", "r", ("A", 1), ("B", "b")), Ct);
        var replaced = await Store.UpsertAsync(Entity("p", "r", ("A", 2)), Ct);

        var read = await Store.GetAsync("p", "r", Ct);
        Assert.NotEqual(created.ETag, replaced.ETag);
        Assert.Equal(2, read!.Get<int>("A"));
        Assert.False(read.Properties.ContainsKey("B"));
    }

    [Fact]
    public async Task UpsertAsync_WithETag_SucceedsOnlyWhenUnchanged()
    {
        var first = await Store.AddAsync(Entity("p", "r", ("V", 1)), Ct);
        var second = await Store.UpsertAsync(Entity("p", "r", ("V", 2)) with { ETag = first.ETag }, Ct);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.UpsertAsync(Entity("p", "r", ("V", 3)) with { ETag = first.ETag }, Ct));
        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.UpsertAsync(Entity("p", "missing", ("V", 3)) with { ETag = first.ETag }, Ct));

        var read = await Store.GetAsync("p", "r", Ct);
        Assert.Equal(second.ETag, read!.ETag);
        Assert.Equal(2, read.Get<int>("V"));
        Assert.Null(await Store.GetAsync("p", "missing", Ct));
    }

    [Fact]
    public async Task DeleteAsync_RemovesAndHonoursETag()
    {
        var added = await Store.AddAsync(Entity("p", "r", ("V", 1)), Ct);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.DeleteAsync("p", "r", "\"stale\"", Ct));
        Assert.NotNull(await Store.GetAsync("p", "r", Ct));
        Assert.True(await Store.DeleteAsync("p", "r", added.ETag, Ct));
        Assert.Null(await Store.GetAsync("p", "r", Ct));
        Assert.False(await Store.DeleteAsync("p", "r", cancellationToken: Ct));
        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.DeleteAsync("p", "r", added.ETag, Ct));
    }

    [Fact]
    public async Task QueryAsync_WithoutConditions_ReturnsThePartitionInRowKeyOrder()
    {
        foreach (var row in new[] { "c", "a", "b" })
        {
            await Store.AddAsync(Entity("p1", row, ("V", 1)), Ct);
        }

        await Store.AddAsync(Entity("p2", "a", ("V", 1)), Ct);

        Assert.Equal(["a", "b", "c"], await QueryRowsAsync("p1"));
        Assert.Empty(await QueryRowsAsync("p3"));
    }

    [Fact]
    public async Task QueryAsync_Conditions_CompareByKindAndAllMustHold()
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await Store.AddAsync(Entity("p", "r1", ("Status", "open"), ("Amount", 10), ("Due", t0), ("Urgent", true)), Ct);
        await Store.AddAsync(Entity("p", "r2", ("Status", "open"), ("Amount", 250.5), ("Due", t0.AddDays(10)), ("Urgent", false)), Ct);
        await Store.AddAsync(Entity("p", "r3", ("Status", "closed"), ("Amount", 99_999_999_999L), ("Due", t0.AddDays(20))), Ct);
        await Store.AddAsync(Entity("p", "r4", ("Status", 7), ("Amount", "lots")), Ct);

        Assert.Equal(["r1", "r2"], await QueryRowsAsync("p", FieldCondition.Equal("Status", "open")));
        Assert.Equal(["r1", "r3"], await QueryRowsAsync("p", FieldCondition.NotEqual("Amount", 250.5)));
        Assert.Equal(["r2", "r3"], await QueryRowsAsync("p", FieldCondition.GreaterThan("Amount", 10)));
        Assert.Equal(["r1", "r2"], await QueryRowsAsync("p", FieldCondition.AtMost("Amount", 250.5)));
        Assert.Equal(["r2"], await QueryRowsAsync("p", FieldCondition.AtLeast("Amount", 11L), FieldCondition.LessThan("Amount", 1000.0)));
        Assert.Equal(["r2", "r3"], await QueryRowsAsync("p", FieldCondition.AtLeast("Due", t0.AddDays(1).ToOffset(TimeSpan.FromHours(-5)))));
        Assert.Equal(["r1"], await QueryRowsAsync("p", FieldCondition.Equal("Urgent", true)));
        Assert.Equal(["r4"], await QueryRowsAsync("p", FieldCondition.Equal("Status", 7)));
        Assert.Equal(["r2", "r3"], await QueryRowsAsync("p", FieldCondition.GreaterThan(FieldCondition.RowKey, "r1"), FieldCondition.AtMost(FieldCondition.RowKey, "r3")));
        Assert.Empty(await QueryRowsAsync("p", FieldCondition.Equal("Missing", "x")));
    }

    [Fact]
    public async Task QueryAsync_ManyEntities_PagesThroughAll()
    {
        for (var i = 0; i < 150; i++)
        {
            await Store.AddAsync(Entity("p", $"r{i:D4}", ("I", i)), Ct);
        }

        Assert.Equal(50, (await QueryRowsAsync("p", FieldCondition.AtLeast("I", 100))).Count);
        Assert.Equal(150, (await QueryRowsAsync("p")).Count);
    }

    [Fact]
    public async Task AddAsync_UnsupportedValueType_ThrowsValidationNamingTheProperty()
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await Store.AddAsync(Entity("p", "r", ("Price", 1.5m)), Ct));

        Assert.Equal("Price", error.Field);
        Assert.Null(await Store.GetAsync("p", "r", Ct));
    }

    [Theory]
    [InlineData("a/b", "r")]
    [InlineData("p", "r#1")]
    [InlineData("", "r")]
    public async Task AddAsync_InvalidKey_ThrowsValidation(string partition, string row) =>
        await Assert.ThrowsAsync<AosValidationException>(async () => await Store.AddAsync(Entity(partition, row), Ct));

    [Fact]
    public async Task AddAsync_NonFiniteNumber_ThrowsValidationAndStoresNothing()
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await Store.AddAsync(Entity("p", "r", ("Ratio", double.NaN)), Ct));

        Assert.Equal("Ratio", error.Field);
        Assert.Null(await Store.GetAsync("p", "r", Ct));
    }

    [Fact]
    public async Task AddAsync_ReservedPropertyName_ThrowsValidation() =>
        await Assert.ThrowsAsync<AosValidationException>(async () => await Store.AddAsync(Entity("p", "r", ("Timestamp", 1)), Ct));

    [Fact]
    public async Task QueryAsync_InvalidCondition_ThrowsValidation() =>
        await Assert.ThrowsAsync<AosValidationException>(async () => await QueryRowsAsync("p", FieldCondition.GreaterThan("Flag", true)));

    [Fact]
    public async Task DeleteStoreAsync_RemovesEveryEntity_LeavesOtherStores_AndTheNameCanBeUsedAgain()
    {
        var other = Provider.GetTableStore(StoreName + "o");
        await Store.AddAsync(Entity("p1", "r1", ("n", 1)), Ct);
        await Store.AddAsync(Entity("p2", "r2", ("n", 2)), Ct);
        await other.AddAsync(Entity("p1", "r1", ("n", 3)), Ct);

        await Provider.DeleteStoreAsync(StoreKind.Table, StoreName, Ct);
        await Provider.DeleteStoreAsync(StoreKind.Table, StoreName, Ct);

        Assert.Null(await Store.GetAsync("p1", "r1", Ct));
        Assert.Empty(await Store.QueryAsync("p2", cancellationToken: Ct).ToListAsync(Ct));
        Assert.NotNull(await other.GetAsync("p1", "r1", Ct));
        await Store.AddAsync(Entity("p1", "r1", ("n", 4)), Ct);
        Assert.Single(await Store.QueryAsync("p1", cancellationToken: Ct).ToListAsync(Ct));
    }
}
