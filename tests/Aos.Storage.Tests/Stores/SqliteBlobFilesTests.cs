using System.Text;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Storage.Tests.Stores;

/// <summary>Tests what the embedded blob store does with its content files beyond the conformance kit.</summary>
public sealed class SqliteBlobFilesTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly SqliteStores _stores = new();

    public ValueTask DisposeAsync() => _stores.DisposeAsync();

    [Fact]
    public async Task Start_DeletesFilesNoRowPointsAt_AndKeepsTheOthers()
    {
        var provider = _stores.Open(new FakeTimeProvider());
        await provider.GetBlobStore("files").PutAsync("kept", new MemoryStream(Encoding.UTF8.GetBytes("kept")), cancellationToken: Ct);
        await _stores.CloseAsync();
        var orphan = Path.Combine(provider.BlobDirectory, Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(orphan, "left by a crash between the file and its row", Ct);

        var restarted = _stores.Open(new FakeTimeProvider());
        await using var download = await restarted.GetBlobStore("files").GetAsync("kept", Ct);

        Assert.False(File.Exists(orphan));
        Assert.NotNull(download);
        Assert.Single(Directory.GetFiles(restarted.BlobDirectory));
    }

    [Fact]
    public async Task PutAsync_Replace_DeletesTheOldFileButAnOpenDownloadKeepsReadingIt()
    {
        var store = _stores.Open(new FakeTimeProvider()).GetBlobStore("files");
        await store.PutAsync("a", new MemoryStream(Encoding.UTF8.GetBytes("old content")), cancellationToken: Ct);
        await using var open = (await store.GetAsync("a", Ct))!;

        await store.PutAsync("a", new MemoryStream(Encoding.UTF8.GetBytes("new")), cancellationToken: Ct);

        using var reader = new StreamReader(open.Content);
        Assert.Equal("old content", await reader.ReadToEndAsync(Ct));
        Assert.Single(Directory.GetFiles(Path.Combine(_stores.DataDirectory, "blobs")));
    }

    [Fact]
    public async Task PutAsync_Conflict_LeavesNoFileBehind()
    {
        var provider = _stores.Open(new FakeTimeProvider());
        var store = provider.GetBlobStore("files");
        await store.PutAsync("a", new MemoryStream([1]), cancellationToken: Ct);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await store.PutAsync("a", new MemoryStream([2]), new BlobPutOptions { IfNotExists = true }, Ct));

        Assert.Single(Directory.GetFiles(provider.BlobDirectory));
    }

    [Fact]
    public async Task DeleteStoreAsync_DeletesTheStoresFiles_InWritesOfABatch_AndKeepsOtherStoresFiles()
    {
        var provider = _stores.Open(new FakeTimeProvider());
        var store = provider.GetBlobStore("files");
        for (var i = 0; i < SqliteStorageProvider.DeletionBatch + 5; i++)
        {
            await store.PutAsync($"b{i:D5}", new MemoryStream([1]), cancellationToken: Ct);
        }

        await provider.GetBlobStore("kept").PutAsync("a", new MemoryStream([2]), cancellationToken: Ct);
        var commits = provider.Database.CommittedOperations;

        await provider.DeleteStoreAsync(StoreKind.Blob, "files", Ct);

        Assert.Empty(await store.ListAsync(cancellationToken: Ct).ToListAsync(Ct));
        Assert.Single(Directory.GetFiles(provider.BlobDirectory));
        Assert.NotNull(await provider.GetBlobStore("kept").GetPropertiesAsync("a", Ct));
        Assert.True(provider.Database.CommittedOperations - commits >= 2, "a store of more rows than one batch is deleted in more than one write");
    }
}
