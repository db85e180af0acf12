using System.Security.Cryptography;
using System.Text;
using Aos.Storage;

namespace Aos.Conformance.Storage;

/// <summary>Defines the behaviour every <see cref="IBlobStore"/> must have.</summary>
public abstract class BlobStoreConformanceTests : StorageConformanceTests
{
    private IBlobStore Store => Provider.GetBlobStore(StoreName);

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    private static async Task<string> ReadAsync(BlobDownload download)
    {
        await using (download)
        {
            using var reader = new StreamReader(download.Content, Encoding.UTF8);
            return await reader.ReadToEndAsync(Ct);
        }
    }

    [Fact]
    public async Task PutAsync_ThenGetAsync_ReturnsContentTypeMetadataAndETag()
    {
        var put = await Store.PutAsync("docs/a.txt", Text("hello"), new BlobPutOptions { ContentType = "text/plain", Metadata = new Dictionary<string, string> { ["owner"] = "finance" } }, Ct);

        var download = await Store.GetAsync("docs/a.txt", Ct);

        Assert.NotNull(download);
        Assert.Equal("docs/a.txt", download.Properties.Name);
        Assert.Equal(5, download.Properties.Length);
        Assert.Equal("text/plain", download.Properties.ContentType);
        Assert.Equal(put.ETag, download.Properties.ETag);
        Assert.Equal("finance", download.Properties.Metadata["owner"]);
        Assert.False(string.IsNullOrEmpty(put.ETag));
        Assert.Equal("hello", await ReadAsync(download));
    }

    [Fact]
    public async Task PutAsync_WithoutContentType_UsesOctetStream()
    {
        await Store.PutAsync("b", Text("x"), cancellationToken: Ct);

        var properties = await Store.GetPropertiesAsync("b", Ct);

        Assert.Equal("application/octet-stream", properties!.ContentType);
        Assert.Empty(properties.Metadata);
    }

    [Fact]
    public async Task PutAsync_Again_ReplacesContentAndChangesETag()
    {
        var first = await Store.PutAsync("a", Text("one"), cancellationToken: Ct);
        var second = await Store.PutAsync("a", Text("two!"), cancellationToken: Ct);

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(4, second.Length);
        Assert.Equal("two!", await ReadAsync((await Store.GetAsync("a", Ct))!));
    }

    [Fact]
    public async Task PutAsync_IfNotExistsOnExisting_ThrowsConflictAndKeepsContent()
    {
        await Store.PutAsync("a", Text("one"), cancellationToken: Ct);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.PutAsync("a", Text("two"), new BlobPutOptions { IfNotExists = true }, Ct));

        Assert.Equal("one", await ReadAsync((await Store.GetAsync("a", Ct))!));
        var created = await Store.PutAsync("new", Text("n"), new BlobPutOptions { IfNotExists = true }, Ct);
        Assert.Equal(1, created.Length);
    }

    [Fact]
    public async Task PutAsync_IfMatch_SucceedsOnlyWithCurrentETag()
    {
        var first = await Store.PutAsync("a", Text("one"), cancellationToken: Ct);
        var second = await Store.PutAsync("a", Text("two"), new BlobPutOptions { IfMatch = first.ETag }, Ct);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.PutAsync("a", Text("three"), new BlobPutOptions { IfMatch = first.ETag }, Ct));
        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.PutAsync("missing", Text("x"), new BlobPutOptions { IfMatch = first.ETag }, Ct));

        var current = await Store.GetPropertiesAsync("a", Ct);
        Assert.Equal(second.ETag, current!.ETag);
        Assert.Equal("two", await ReadAsync((await Store.GetAsync("a", Ct))!));
        Assert.Null(await Store.GetPropertiesAsync("missing", Ct));
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Store.GetAsync("nothing/here", Ct));
        Assert.Null(await Store.GetPropertiesAsync("nothing/here", Ct));
    }

    [Fact]
    public async Task DeleteAsync_RemovesAndReportsWhetherItExisted()
    {
        var put = await Store.PutAsync("a", Text("one"), cancellationToken: Ct);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.DeleteAsync("a", "\"stale\"", Ct));
        Assert.NotNull(await Store.GetPropertiesAsync("a", Ct));

        Assert.True(await Store.DeleteAsync("a", put.ETag, Ct));
        Assert.Null(await Store.GetAsync("a", Ct));
        Assert.False(await Store.DeleteAsync("a", cancellationToken: Ct));
        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.DeleteAsync("a", put.ETag, Ct));
    }

    [Fact]
    public async Task ListAsync_ByPrefix_ReturnsMatchingNamesInOrdinalOrder()
    {
        foreach (var name in new[] { "in/2026/b", "in/2026/a", "in/2025/z", "out/a", "in2" })
        {
            await Store.PutAsync(name, Text(name), cancellationToken: Ct);
        }

        var listed = new List<string>();
        await foreach (var item in Store.ListAsync("in/", Ct))
        {
            listed.Add(item.Name);
        }

        var all = new List<BlobItem>();
        await foreach (var item in Store.ListAsync(cancellationToken: Ct))
        {
            all.Add(item);
        }

        Assert.Equal(["in/2025/z", "in/2026/a", "in/2026/b"], listed);
        Assert.Equal(["in/2025/z", "in/2026/a", "in/2026/b", "in2", "out/a"], all.Select(i => i.Name));
        Assert.Equal(5, all.Single(i => i.Name == "out/a").Length);
    }

    [Fact]
    public async Task ListAsync_ManyObjects_PagesThroughAll()
    {
        for (var i = 0; i < 120; i++)
        {
            await Store.PutAsync($"p/{i:D4}", Text("x"), cancellationToken: Ct);
        }

        var count = 0;
        await foreach (var _ in Store.ListAsync("p/", Ct))
        {
            count++;
        }

        Assert.Equal(120, count);
    }

    [Fact]
    public async Task PutAsync_LargeNonSeekableStream_RoundTripsByStreaming()
    {
        var content = new byte[12 * 1024 * 1024 + 17];
        new Random(7).NextBytes(content);
        await using var source = new NonSeekableStream(new MemoryStream(content));

        var put = await Store.PutAsync("big/object.bin", source, cancellationToken: Ct);

        Assert.Equal(content.Length, put.Length);
        await using var download = (await Store.GetAsync("big/object.bin", Ct))!;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await download.Content.ReadAsync(buffer, Ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        Assert.Equal(content.Length, total);
        Assert.Equal(SHA256.HashData(content), hash.GetHashAndReset());
    }

    [Fact]
    public async Task PutAsync_EmptyContent_StoresEmptyObject()
    {
        var put = await Store.PutAsync("empty", new MemoryStream(), cancellationToken: Ct);

        Assert.Equal(0, put.Length);
        Assert.Equal(string.Empty, await ReadAsync((await Store.GetAsync("empty", Ct))!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/leading")]
    [InlineData("trailing/")]
    [InlineData("a//b")]
    [InlineData("a/../b")]
    [InlineData("back\\slash")]
    public async Task PutAsync_InvalidName_ThrowsValidationAndStoresNothing(string name)
    {
        await Assert.ThrowsAsync<AosValidationException>(async () => await Store.PutAsync(name, Text("x"), cancellationToken: Ct));

        await foreach (var _ in Store.ListAsync(cancellationToken: Ct))
        {
            Assert.Fail("Nothing should have been stored.");
        }
    }

    [Fact]
    public async Task PutAsync_InvalidMetadata_ThrowsValidation()
    {
        await Assert.ThrowsAsync<AosValidationException>(async () =>
            await Store.PutAsync("a", Text("x"), new BlobPutOptions { Metadata = new Dictionary<string, string> { ["bad-name"] = "v" } }, Ct));

        Assert.Null(await Store.GetPropertiesAsync("a", Ct));
    }

    [Fact]
    public void GetBlobStore_InvalidStoreName_ThrowsValidation() =>
        Assert.Throws<AosValidationException>(() => Provider.GetBlobStore("Bad_Name"));

    [Fact]
    public async Task Stores_WithDifferentNames_AreSeparate()
    {
        var other = Provider.GetBlobStore(StoreName + "-b");
        await Store.PutAsync("a", Text("one"), cancellationToken: Ct);

        Assert.Null(await other.GetPropertiesAsync("a", Ct));
    }

    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 7000));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer[..Math.Min(buffer.Length, 7000)], cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    [Fact]
    public async Task DeleteStoreAsync_RemovesEveryBlob_LeavesOtherStores_AndTheNameCanBeUsedAgain()
    {
        var other = Provider.GetBlobStore(StoreName + "-o");
        await Store.PutAsync("a.txt", Text("a"), cancellationToken: Ct);
        await Store.PutAsync("dir/b.txt", Text("b"), cancellationToken: Ct);
        await other.PutAsync("a.txt", Text("kept"), cancellationToken: Ct);

        await Provider.DeleteStoreAsync(StoreKind.Blob, StoreName, Ct);
        await Provider.DeleteStoreAsync(StoreKind.Blob, StoreName, Ct);

        Assert.Null(await Store.GetAsync("a.txt", Ct));
        Assert.Null(await Store.GetPropertiesAsync("dir/b.txt", Ct));
        Assert.Equal("kept", await ReadAsync((await other.GetAsync("a.txt", Ct))!));
        await Store.PutAsync("new.txt", Text("new"), cancellationToken: Ct);
        Assert.Equal(["new.txt"], await Store.ListAsync(cancellationToken: Ct).Select(b => b.Name).ToListAsync(Ct));
    }
}
