using System.Text;
using Aos.Postgres.Storage;
using Aos.Storage;

namespace Aos.Postgres.Tests.Storage;

/// <summary>Checks what the PostgreSQL blob store does beyond the kit: chunking, reads during a replace, no chunks left behind.</summary>
public sealed class PostgresBlobChunkTests : IAsyncLifetime
{
    private PostgresStorageProvider? _provider;
    private IBlobStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await PostgresTestServer.RequireAsync();
        _provider = PostgresTestServer.CreateProvider(TimeProvider.System);
        _store = _provider.GetBlobStore(StoreName);
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    private string StoreName { get; } = "t" + Guid.NewGuid().ToString("N")[..20];

    [Fact]
    public async Task GetAsync_ReplacedWhileReading_StillReadsTheVersionItOpened()
    {
        var old = Content('a', 3 * PostgresBlobStore.ChunkSize + 5);
        await _store.PutAsync("doc", new MemoryStream(old), cancellationToken: Ct);
        await using var download = (await _store.GetAsync("doc", Ct))!;
        var start = new byte[1000];
        await download.Content.ReadExactlyAsync(start, Ct);

        var replaced = await _store.PutAsync("doc", new MemoryStream(Content('b', PostgresBlobStore.ChunkSize + 1)), cancellationToken: Ct);
        await _store.DeleteAsync("doc", replaced.ETag, Ct);
        using var rest = new MemoryStream();
        await download.Content.CopyToAsync(rest, Ct);

        Assert.Equal(old, start.Concat(rest.ToArray()).ToArray());
        Assert.Equal(0, await ChunkCountAsync("doc"));
    }

    [Fact]
    public async Task PutAsync_Replace_KeepsOnlyTheCurrentVersionsChunks()
    {
        await _store.PutAsync("doc", new MemoryStream(Content('a', 2 * PostgresBlobStore.ChunkSize + 1)), cancellationToken: Ct);
        Assert.Equal(3, await ChunkCountAsync("doc"));

        await _store.PutAsync("doc", new MemoryStream(Content('b', 10)), cancellationToken: Ct);
        Assert.Equal(1, await ChunkCountAsync("doc"));

        await Assert.ThrowsAsync<StorageConflictException>(async () =>
            await _store.PutAsync("doc", new MemoryStream(Content('c', PostgresBlobStore.ChunkSize * 2)), new BlobPutOptions { IfMatch = "\"stale\"" }, Ct));
        Assert.Equal(1, await ChunkCountAsync("doc"));
    }

    [Fact]
    public async Task PutAsync_SourceFailsMidway_LeavesTheOldObject()
    {
        await _store.PutAsync("doc", new MemoryStream(Encoding.UTF8.GetBytes("old")), cancellationToken: Ct);

        await Assert.ThrowsAsync<IOException>(async () => await _store.PutAsync("doc", new FailingStream(2 * PostgresBlobStore.ChunkSize), cancellationToken: Ct));

        Assert.Equal(3, (await _store.GetPropertiesAsync("doc", Ct))!.Length);
        Assert.Equal(1, await ChunkCountAsync("doc"));
    }

    private static byte[] Content(char fill, int length) => Enumerable.Range(0, length).Select(i => (byte)(fill + (i % 7))).ToArray();

    private async Task<long> ChunkCountAsync(string name)
    {
        await using var connection = await PostgresTestServer.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM \"{PostgresTestServer.SharedSchema}\".blob_chunks WHERE store = $1 AND name = $2", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = StoreName });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = name });
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private sealed class FailingStream(long failAfter) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_read >= failAfter)
            {
                throw new IOException("The source broke.");
            }

            var n = (int)Math.Min(count, failAfter - _read);
            Array.Fill(buffer, (byte)'x', offset, n);
            _read += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
