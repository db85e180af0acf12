using System.Text.Json;
using Aos.Storage;

namespace Aos.Conformance.Storage;

/// <summary>Defines the behaviour every <see cref="IDocumentStore"/> must have.</summary>
public abstract class DocumentStoreConformanceTests : StorageConformanceTests
{
    private IDocumentStore Store => Provider.GetDocumentStore(StoreName);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private async Task<List<string>> QueryIdsAsync(string? partition, params FieldCondition[] conditions)
    {
        var ids = new List<string>();
        await foreach (var document in Store.QueryAsync("orders", partition, conditions, Ct))
        {
            ids.Add($"{document.PartitionKey}/{document.Id}");
        }

        return ids;
    }

    private async Task SeedAsync()
    {
        await Store.AddAsync("orders", "eu", "o1", Json("""{"status":"open","total":10,"customer":{"country":"DE","vip":true},"placed":"2026-01-05T00:00:00.0000000Z"}"""), Ct);
        await Store.AddAsync("orders", "eu", "o2", Json("""{"status":"open","total":250.5,"customer":{"country":"FR","vip":false},"placed":"2026-02-01T00:00:00.0000000Z"}"""), Ct);
        await Store.AddAsync("orders", "us", "o3", Json("""{"status":"closed","total":99999999999,"customer":{"country":"US"},"placed":"2026-03-01T00:00:00.0000000Z"}"""), Ct);
        await Store.AddAsync("orders", "us", "o4", Json("""{"status":7,"total":"lots"}"""), Ct);
        await Store.AddAsync("returns", "eu", "o1", Json("""{"status":"open"}"""), Ct);
    }

    [Fact]
    public async Task AddAsync_ThenGetAsync_ReturnsTheDocumentAndETag()
    {
        var added = await Store.AddAsync("orders", "eu", "o1", Json("""{"status":"open","lines":[{"sku":"a","qty":2}],"note":null}"""), Ct);

        var read = await Store.GetAsync("orders", "eu", "o1", Ct);

        Assert.NotNull(read);
        Assert.Equal("eu", read.PartitionKey);
        Assert.Equal("o1", read.Id);
        Assert.Equal(added.ETag, read.ETag);
        Assert.False(string.IsNullOrEmpty(read.ETag));
        Assert.Equal("open", read.Document.GetProperty("status").GetString());
        Assert.Equal(2, read.Document.GetProperty("lines")[0].GetProperty("qty").GetInt32());
        Assert.Equal(JsonValueKind.Null, read.Document.GetProperty("note").ValueKind);
        Assert.Null(await Store.GetAsync("orders", "us", "o1", Ct));
        Assert.Null(await Store.GetAsync("other", "eu", "o1", Ct));
    }

    [Fact]
    public async Task AddAsync_Existing_ThrowsConflictAndKeepsDocument()
    {
        await Store.AddAsync("orders", "eu", "o1", Json("""{"v":1}"""), Ct);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.AddAsync("orders", "eu", "o1", Json("""{"v":2}"""), Ct));

        Assert.Equal(1, (await Store.GetAsync("orders", "eu", "o1", Ct))!.Document.GetProperty("v").GetInt32());
    }

    [Fact]
    public async Task UpsertAsync_ReplacesWholeDocumentAndHonoursETag()
    {
        var first = await Store.UpsertAsync("orders", "eu", "o1", Json("""{"a":1,"b":2}"""), cancellationToken: Ct);
        var second = await Store.UpsertAsync("orders", "eu", "o1", Json("""{"a":3}"""), first.ETag, Ct);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.UpsertAsync("orders", "eu", "o1", Json("""{"a":4}"""), first.ETag, Ct));
        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.UpsertAsync("orders", "eu", "missing", Json("""{"a":4}"""), first.ETag, Ct));

        var read = await Store.GetAsync("orders", "eu", "o1", Ct);
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(second.ETag, read!.ETag);
        Assert.Equal(3, read.Document.GetProperty("a").GetInt32());
        Assert.False(read.Document.TryGetProperty("b", out _));
        Assert.Null(await Store.GetAsync("orders", "eu", "missing", Ct));
    }

    [Fact]
    public async Task DeleteAsync_RemovesAndHonoursETag()
    {
        var added = await Store.AddAsync("orders", "eu", "o1", Json("""{"v":1}"""), Ct);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.DeleteAsync("orders", "eu", "o1", "\"stale\"", Ct));
        Assert.True(await Store.DeleteAsync("orders", "eu", "o1", added.ETag, Ct));
        Assert.False(await Store.DeleteAsync("orders", "eu", "o1", cancellationToken: Ct));
        Assert.Null(await Store.GetAsync("orders", "eu", "o1", Ct));
    }

    [Fact]
    public async Task QueryAsync_ByPartitionOrAcrossPartitions_IsOrderedByPartitionThenId()
    {
        await SeedAsync();

        Assert.Equal(["eu/o1", "eu/o2"], await QueryIdsAsync("eu"));
        Assert.Equal(["eu/o1", "eu/o2", "us/o3", "us/o4"], await QueryIdsAsync(null));
    }

    [Fact]
    public async Task QueryAsync_Conditions_CompareNestedFieldsByKind()
    {
        await SeedAsync();

        Assert.Equal(["eu/o1", "eu/o2"], await QueryIdsAsync(null, FieldCondition.Equal("status", "open")));
        Assert.Equal(["eu/o2", "us/o3"], await QueryIdsAsync(null, FieldCondition.GreaterThan("total", 10)));
        Assert.Equal(["eu/o1"], await QueryIdsAsync("eu", FieldCondition.AtMost("total", 10.0)));
        Assert.Equal(["eu/o2"], await QueryIdsAsync(null, FieldCondition.Equal("customer.country", "FR")));
        Assert.Equal(["eu/o1"], await QueryIdsAsync(null, FieldCondition.Equal("customer.vip", true)));
        Assert.Equal(["eu/o2", "us/o3"], await QueryIdsAsync(null, FieldCondition.AtLeast("placed", "2026-02-01T00:00:00.0000000Z")));
        Assert.Equal(["us/o4"], await QueryIdsAsync(null, FieldCondition.Equal("status", 7)));
        Assert.Equal(["eu/o1", "us/o3"], await QueryIdsAsync(null, FieldCondition.NotEqual("customer.country", "FR")));
        Assert.Equal(["us/o3"], await QueryIdsAsync("us", FieldCondition.LessThan("total", 1e12), FieldCondition.Equal("status", "closed")));
        Assert.Empty(await QueryIdsAsync(null, FieldCondition.Equal("missing.path", "x")));
    }

    [Fact]
    public async Task QueryAsync_ManyDocuments_PagesThroughAll()
    {
        for (var i = 0; i < 150; i++)
        {
            await Store.AddAsync("orders", "p", $"d{i:D4}", Json($$"""{"i":{{i}}}"""), Ct);
        }

        Assert.Equal(150, (await QueryIdsAsync("p")).Count);
        Assert.Equal(50, (await QueryIdsAsync("p", FieldCondition.AtLeast("i", 100))).Count);
    }

    [Fact]
    public async Task AddAsync_NotAnObject_ThrowsValidationAndStoresNothing()
    {
        await Assert.ThrowsAsync<AosValidationException>(async () => await Store.AddAsync("orders", "eu", "o1", Json("[1,2]"), Ct));

        Assert.Null(await Store.GetAsync("orders", "eu", "o1", Ct));
    }

    [Fact]
    public async Task AddAsync_InvalidCollectionOrKey_ThrowsValidation()
    {
        await Assert.ThrowsAsync<AosValidationException>(async () => await Store.AddAsync("Orders!", "eu", "o1", Json("{}"), Ct));
        await Assert.ThrowsAsync<AosValidationException>(async () => await Store.AddAsync("orders", "eu", "a/b", Json("{}"), Ct));
    }

    [Fact]
    public async Task QueryAsync_InvalidPath_ThrowsValidation() =>
        await Assert.ThrowsAsync<AosValidationException>(async () => await QueryIdsAsync(null, FieldCondition.Equal("a..b", "x")));

    [Fact]
    public async Task DeleteStoreAsync_RemovesEveryCollection_LeavesOtherStores_AndTheNameCanBeUsedAgain()
    {
        var other = Provider.GetDocumentStore(StoreName + "-o");
        await Store.AddAsync("orders", "eu", "o1", Json("""{"n":1}"""), Ct);
        await Store.AddAsync("notes", "p", "n1", Json("""{"n":2}"""), Ct);
        await other.AddAsync("orders", "eu", "o1", Json("""{"n":3}"""), Ct);

        await Provider.DeleteStoreAsync(StoreKind.Document, StoreName, Ct);
        await Provider.DeleteStoreAsync(StoreKind.Document, StoreName, Ct);

        Assert.Null(await Store.GetAsync("orders", "eu", "o1", Ct));
        Assert.Empty(await Store.QueryAsync("notes", cancellationToken: Ct).ToListAsync(Ct));
        Assert.NotNull(await other.GetAsync("orders", "eu", "o1", Ct));
        await Store.AddAsync("orders", "eu", "o1", Json("""{"n":4}"""), Ct);
        Assert.Single(await Store.QueryAsync("orders", cancellationToken: Ct).ToListAsync(Ct));
    }
}
