using Npgsql;

namespace Aos.Postgres.Storage;

/// <summary>Reads one version of a blob chunk by chunk from an open query, without holding more than the caller's buffer in memory.</summary>
/// <remarks>
/// The stream owns the connection, the repeatable-read transaction whose snapshot keeps the version readable, and the query over its
/// chunks in sequential-access mode. It gives them back to the pool as soon as the last chunk is read, or when disposed. Not thread-safe.
/// </remarks>
internal sealed class PostgresBlobReadStream(
    NpgsqlConnection connection, NpgsqlTransaction transaction, NpgsqlCommand command, NpgsqlDataReader reader, long length, Func<Exception, Exception?> translate) : Stream
{
    private Stream? _chunk;
    private long _position;
    private bool _done;
    private bool _disposed;

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    /// <summary>Gets the blob's length, known from its properties.</summary>
    public override long Length => length;

    public override long Position { get => _position; set => throw new NotSupportedException("A blob download reads forward only."); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty || _done)
        {
            return 0;
        }

        try
        {
            while (true)
            {
                if (_chunk is null)
                {
                    if (!await reader.ReadAsync(cancellationToken))
                    {
                        await FinishAsync();
                        return 0;
                    }

                    _chunk = reader.GetStream(0);
                }

                var read = await _chunk.ReadAsync(buffer, cancellationToken);
                if (read > 0)
                {
                    _position += read;
                    return read;
                }

                await _chunk.DisposeAsync();
                _chunk = null;
            }
        }
        catch (Exception e) when (translate(e) is { } translated)
        {
            throw translated;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty || _done)
        {
            return 0;
        }

        try
        {
            while (true)
            {
                if (_chunk is null)
                {
                    if (!reader.Read())
                    {
                        Finish();
                        return 0;
                    }

                    _chunk = reader.GetStream(0);
                }

                var read = _chunk.Read(buffer);
                if (read > 0)
                {
                    _position += read;
                    return read;
                }

                _chunk.Dispose();
                _chunk = null;
            }
        }
        catch (Exception e) when (translate(e) is { } translated)
        {
            throw translated;
        }
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A blob download reads forward only.");

    public override void SetLength(long value) => throw new NotSupportedException("A blob download is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A blob download is read-only.");

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await FinishAsync();
        }

        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            Finish();
        }

        base.Dispose(disposing);
    }

    /// <summary>Gives the connection back to the pool: the read-only transaction ends with a rollback, which discards nothing.</summary>
    private async ValueTask FinishAsync()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        if (_chunk is not null)
        {
            await _chunk.DisposeAsync();
        }

        await reader.DisposeAsync();
        await command.DisposeAsync();
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    private void Finish()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        _chunk?.Dispose();
        reader.Dispose();
        command.Dispose();
        transaction.Dispose();
        connection.Dispose();
    }
}
