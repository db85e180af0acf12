using System.Buffers;
using Aos.Storage;
using Npgsql;

namespace Aos.Postgres.Storage;

internal sealed partial class PostgresBlobStore
{
    /// <summary>Gets the size of a content chunk: one row of <c>blob_chunks</c>, and the most content a put holds in memory.</summary>
    internal const int ChunkSize = 1024 * 1024;

    private const string InsertColumns = "(store, name, version, etag, length, content_type, metadata, modified_at)";

    /// <remarks>
    /// Only opening the connection is retried: the content stream may not be readable twice. A fault after that fails the put with
    /// <see cref="StorageUnavailableException"/>, and the transaction's rollback leaves the old object as it was.
    /// </remarks>
    public async ValueTask<BlobItem> PutAsync(string name, Stream content, BlobPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(name);
        ArgumentNullException.ThrowIfNull(content);
        StorageValues.ValidateMetadata(options?.Metadata);
        await using var connection = await database.OpenAsync(PostgresMigrations.Blobs, cancellationToken);
        try
        {
            return await PutCoreAsync(connection, name, content, options ?? new BlobPutOptions(), cancellationToken);
        }
        catch (Exception e) when (database.Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    private async Task<BlobItem> PutCoreAsync(NpgsqlConnection connection, string name, Stream content, BlobPutOptions options, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Locks an existing object's row for the whole put, and fails fast before any content is sent when the condition cannot hold.
        var current = await connection.ScalarAsync<string>($"SELECT etag FROM {_blobs} WHERE store = $1 AND name = $2 FOR UPDATE", cancellationToken, store, name);
        if (options.IfNotExists && current is not null)
        {
            throw StorageConflictException.Exists($"blob '{name}'");
        }

        if (options.IfMatch is { } ifMatch && current != ifMatch)
        {
            throw StorageConflictException.Changed($"blob '{name}'", ifMatch);
        }

        var version = Guid.NewGuid();
        var length = await WriteChunksAsync(connection, name, version, content, cancellationToken);
        var etag = PostgresValues.NewETag();
        var now = PostgresValues.Now(timeProvider);
        var contentType = string.IsNullOrEmpty(options.ContentType) ? "application/octet-stream" : options.ContentType;
        var metadata = PostgresValues.WriteMetadata(options.Metadata);
        const string Values = "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)";
        var sql = options switch
        {
            { IfNotExists: true } => $"INSERT INTO {_blobs} {InsertColumns} {Values} ON CONFLICT (store, name) DO NOTHING",
            { IfMatch: not null } => $"""
                UPDATE {_blobs} SET version = $3, etag = $4, length = $5, content_type = $6, metadata = $7::jsonb, modified_at = $8
                WHERE store = $1 AND name = $2 AND etag = $9
                """,
            _ => $"""
                INSERT INTO {_blobs} {InsertColumns} {Values}
                ON CONFLICT (store, name) DO UPDATE SET version = excluded.version, etag = excluded.etag, length = excluded.length,
                    content_type = excluded.content_type, metadata = excluded.metadata, modified_at = excluded.modified_at
                """,
        };
        object?[] parameters = options.IfMatch is { } match && !options.IfNotExists
            ? [store, name, version, etag, length, contentType, metadata, now, match]
            : [store, name, version, etag, length, contentType, metadata, now];
        if (await connection.ExecuteAsync(sql, cancellationToken, parameters) == 0)
        {
            // Another put created or replaced the object after the check above; the rollback drops this put's chunks.
            throw options.IfNotExists ? StorageConflictException.Exists($"blob '{name}'") : StorageConflictException.Changed($"blob '{name}'", options.IfMatch!);
        }

        await connection.ExecuteAsync($"DELETE FROM {_chunks} WHERE store = $1 AND name = $2 AND version <> $3", cancellationToken, store, name, version);
        await transaction.CommitAsync(cancellationToken);
        return new BlobItem(name, length, contentType, etag, now, PostgresValues.ReadMetadata(metadata));
    }

    private async Task<long> WriteChunksAsync(NpgsqlConnection connection, string name, Guid version, Stream content, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long length = 0;
            for (var index = 0; ; index++)
            {
                var filled = await content.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken);
                if (filled == 0)
                {
                    return length;
                }

                await connection.ExecuteAsync(
                    $"INSERT INTO {_chunks} (store, name, version, index, data) VALUES ($1, $2, $3, $4, $5)",
                    cancellationToken,
                    store,
                    name,
                    version,
                    index,
                    new ArraySegment<byte>(buffer, 0, filled));
                length += filled;
                if (filled < ChunkSize)
                {
                    return length;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
