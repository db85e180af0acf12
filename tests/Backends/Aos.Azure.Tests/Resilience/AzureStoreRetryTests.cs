using System.Text;
using Aos.Azure.Storage;
using Aos.Storage;
using Azure.Core;
using TableEntity = Aos.Storage.TableEntity;

namespace Aos.Azure.Tests.Resilience;

/// <summary>Checks on Azurite that refusals (404, 409, 412) are sent once, and that a retry after a lost answer does not report a false failure.</summary>
public sealed class AzureStoreRetryTests : IAsyncDisposable
{
    private const string Commit = "comp=blocklist";

    private readonly ResilientAccount _account = new(AzureTestServices.StorageConnectionString, maxRetryAttempts: 3);
    private bool _used;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_used)
        {
            await _account.Names.DeleteAllAsync(CancellationToken.None);
        }

        _account.Dispose();
    }

    [Fact]
    public async Task Blob_PutIfNotExistsOverAnExistingBlob_IsSentOnce_AndConflicts()
    {
        using var blobs = await BlobsAsync();
        await blobs.PutAsync("a", Content("one"), cancellationToken: Ct);
        _account.Requests.Reset();

        await Assert.ThrowsAsync<StorageConflictException>(async () => await blobs.PutAsync("a", Content("two"), new BlobPutOptions { IfNotExists = true }, Ct));

        // One attempt: the SDK stages the content as a block and commits the block list, which the service refuses.
        Assert.Equal(1, _account.Requests.CountOf(Commit));
        Assert.Equal(2, _account.Requests.Count);
    }

    [Fact]
    public async Task Blob_PutWithAStaleETag_IsSentOnce_AndConflicts()
    {
        using var blobs = await BlobsAsync();
        var first = await blobs.PutAsync("a", Content("one"), cancellationToken: Ct);
        await blobs.PutAsync("a", Content("two"), cancellationToken: Ct);
        _account.Requests.Reset();

        await Assert.ThrowsAsync<StorageConflictException>(async () => await blobs.PutAsync("a", Content("three"), new BlobPutOptions { IfMatch = first.ETag }, Ct));

        Assert.Equal(1, _account.Requests.CountOf(Commit));
        Assert.Equal(2, _account.Requests.Count);
    }

    [Fact]
    public async Task Blob_GetMissing_IsSentOnce_AndNull()
    {
        using var blobs = await BlobsAsync();
        _account.Requests.Reset();

        Assert.Null(await blobs.GetAsync("missing", Ct));
        Assert.Equal(1, _account.Requests.Count);
    }

    [Fact]
    public async Task Blob_DeleteWhoseAnswerIsLost_IsRetried_AndReportedDeleted()
    {
        using var blobs = await BlobsAsync();
        await blobs.PutAsync("a", Content("one"), cancellationToken: Ct);
        _account.Requests.Reset();
        _account.Requests.LoseAnswer = m => m.Request.Method == RequestMethod.Delete;

        Assert.True(await blobs.DeleteAsync("a", cancellationToken: Ct));

        Assert.Equal(2, _account.Requests.Count);
        Assert.Null(await blobs.GetPropertiesAsync("a", Ct));
    }

    [Fact]
    public async Task Blob_UploadOfASeekableStreamWhoseAnswerIsLost_IsSentAgainFromItsStart()
    {
        using var blobs = await BlobsAsync();
        _account.Requests.Reset();
        _account.Requests.LoseAnswer = m => m.Request.Uri.ToUri().Query.Contains(Commit, StringComparison.Ordinal);
        var content = new MemoryStream(Encoding.UTF8.GetBytes("xxhello world"));
        content.Position = 2;

        var written = await blobs.PutAsync("a", content, cancellationToken: Ct);

        Assert.Equal(2, _account.Requests.CountOf(Commit));
        Assert.Equal(11, written.Length);
        var download = await blobs.GetAsync("a", Ct);
        using var reader = new StreamReader(download!.Content);
        Assert.Equal("hello world", await reader.ReadToEndAsync(Ct));
    }

    [Fact]
    public async Task Blob_UploadOfAStreamThatCannotSeek_IsNotRetriedOnceRead()
    {
        using var blobs = await BlobsAsync();
        _account.Requests.Reset();
        _account.Requests.LoseAnswer = m => m.Request.Uri.ToUri().Query.Contains(Commit, StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(async () =>
            await blobs.PutAsync("a", new CountingReadStream(new MemoryStream(Encoding.UTF8.GetBytes("hello"))), cancellationToken: Ct));

        Assert.Equal(1, _account.Requests.CountOf(Commit));
        Assert.Contains("storage:azure", error.Message);
    }

    [Fact]
    public async Task Table_AddOfAnExistingEntity_IsSentOnce_AndConflicts()
    {
        using var table = await TableAsync();
        await table.AddAsync(Entity("one"), Ct);
        _account.Requests.Reset();

        await Assert.ThrowsAsync<StorageConflictException>(async () => await table.AddAsync(Entity("two"), Ct));

        Assert.Equal(1, _account.Requests.Count);
    }

    [Fact]
    public async Task Table_UpdateWithAStaleETag_IsSentOnce_AndConflicts()
    {
        using var table = await TableAsync();
        var first = await table.AddAsync(Entity("one"), Ct);
        await table.UpsertAsync(Entity("two"), Ct);
        _account.Requests.Reset();

        await Assert.ThrowsAsync<StorageConflictException>(async () => await table.UpsertAsync(Entity("three") with { ETag = first.ETag }, Ct));

        Assert.Equal(1, _account.Requests.Count);
    }

    [Fact]
    public async Task Table_AddWhoseAnswerIsLost_IsRetried_AndReportedAdded()
    {
        using var table = await TableAsync();
        _account.Requests.Reset();
        _account.Requests.LoseAnswer = m => m.Request.Method == RequestMethod.Post;

        var added = await table.AddAsync(Entity("one"), Ct);

        Assert.Equal(3, _account.Requests.Count); // the add, its retry (409), and the read that recognises the first attempt's write
        var stored = await table.GetAsync("p", "r", Ct);
        Assert.Equal(stored!.ETag, added.ETag);
        Assert.Equal("one", added.Get<string>("value"));
    }

    [Fact]
    public async Task Table_AddWhoseAnswerIsLost_WhenAnotherWriterChangedTheEntityMeanwhile_Conflicts()
    {
        using var table = await TableAsync();
        using var other = _account.Table();
        _account.Requests.LoseAnswer = m => m.Request.Method == RequestMethod.Post;
        _account.Requests.OnLost = async () => await other.UpsertAsync(Entity("other"), Ct);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await table.AddAsync(Entity("one"), Ct));

        Assert.Equal("other", (await table.GetAsync("p", "r", Ct))!.Get<string>("value"));
    }

    [Fact]
    public async Task Table_UpdateWhoseAnswerIsLost_IsRetried_AndReportedDone()
    {
        using var table = await TableAsync();
        var first = await table.AddAsync(Entity("one"), Ct);
        _account.Requests.LoseAnswer = m => m.Request.Method == RequestMethod.Put;

        var updated = await table.UpsertAsync(Entity("two") with { ETag = first.ETag }, Ct);

        var stored = await table.GetAsync("p", "r", Ct);
        Assert.Equal("two", stored!.Get<string>("value"));
        Assert.Equal(stored.ETag, updated.ETag);
    }

    [Fact]
    public async Task Table_DeleteWhoseAnswerIsLost_IsRetried_AndReportedDeleted()
    {
        using var table = await TableAsync();
        var added = await table.AddAsync(Entity("one"), Ct);
        _account.Requests.Reset();
        _account.Requests.LoseAnswer = m => m.Request.Method == RequestMethod.Delete;

        Assert.True(await table.DeleteAsync("p", "r", added.ETag, Ct));

        Assert.Equal(2, _account.Requests.Count);
        Assert.Null(await table.GetAsync("p", "r", Ct));
    }

    [Fact]
    public async Task Queue_CompleteOfACompletedMessage_IsSentOnce_AndConflicts()
    {
        using var queue = await QueueAsync();
        await queue.EnqueueAsync("x", cancellationToken: Ct);
        var message = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), Ct));
        await queue.CompleteAsync(message, Ct);
        _account.Requests.Reset();

        await Assert.ThrowsAsync<StorageConflictException>(async () => await queue.CompleteAsync(message, Ct));

        Assert.Equal(1, _account.Requests.Count);
    }

    [Fact]
    public async Task Queue_CompleteWhoseAnswerIsLost_IsRetried_AndReportedDone()
    {
        using var queue = await QueueAsync();
        await queue.EnqueueAsync("x", cancellationToken: Ct);
        var message = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), Ct));
        _account.Requests.Reset();
        _account.Requests.LoseAnswer = m => m.Request.Method == RequestMethod.Delete;

        await queue.CompleteAsync(message, Ct);

        Assert.Equal(2, _account.Requests.Count);
        Assert.Empty(await queue.PeekAsync(1, Ct));
    }

    private static MemoryStream Content(string text) => new(Encoding.UTF8.GetBytes(text));

    private static TableEntity Entity(string value) => new("p", "r", new Dictionary<string, object?> { ["value"] = value, ["count"] = 3, ["big"] = 5L });

    private async Task<AzureBlobStore> BlobsAsync()
    {
        await AzureTestServices.RequireStorageAsync();
        _used = true;
        var blobs = _account.Blobs();
        Assert.Null(await blobs.GetPropertiesAsync("warm-up", Ct)); // creates the container
        return blobs;
    }

    private async Task<AzureTableStore> TableAsync()
    {
        await AzureTestServices.RequireStorageAsync();
        _used = true;
        var table = _account.Table();
        Assert.Null(await table.GetAsync("warm", "up", Ct)); // creates the table
        return table;
    }

    private async Task<AzureQueueStore> QueueAsync()
    {
        await AzureTestServices.RequireStorageAsync();
        _used = true;
        var queue = _account.Queue();
        Assert.Empty(await queue.PeekAsync(1, Ct)); // creates the queue
        return queue;
    }
}
