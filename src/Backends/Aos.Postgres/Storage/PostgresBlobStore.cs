using System.Data;
using System.Runtime.CompilerServices;
using Aos.Storage;
using Npgsql;

namespace Aos.Postgres.Storage;

/// <summary>Keeps one blob store in two tables: <c>blobs</c> (one row per object, pointing at its current version) and <c>blob_chunks</c> (the versions' content in 1 MiB chunks).</summary>
/// <remarks>
/// A put writes the new version's chunks, swaps the pointer and deletes the other versions' chunks in one transaction. A download reads
/// inside a repeatable-read transaction, whose snapshot keeps the version it started on readable (MVCC) even after a put deletes it, and
/// streams the chunks one row at a time; the download holds a pooled connection until it is disposed or read to its end.
/// </remarks>
internal sealed partial class PostgresBlobStore(PostgresDatabase database, string store, TimeProvider timeProvider) : IBlobStore
{
    private const int PageSize = 100;
    private const string Columns = "name, length, content_type, etag, modified_at, metadata::text";

    private readonly string _blobs = $"{database.Schema}.blobs";
    private readonly string _chunks = $"{database.Schema}.blob_chunks";

    public async ValueTask<BlobDownload?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(name);
        return await database.RunAsync(PostgresMigrations.Blobs, token => OpenAsync(name, token), cancellationToken);
    }

    public async ValueTask<BlobItem?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(name);
        return await database.ExecuteAsync(
            PostgresMigrations.Blobs,
            async (connection, token) => (await ReadItemAsync(connection, name, token)).Item,
            cancellationToken);
    }

    public async ValueTask<bool> DeleteAsync(string name, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(name);
        var deleted = await database.ExecuteAsync(
            PostgresMigrations.Blobs,
            async (connection, token) => await connection.ScalarAsync<long>(
                $"""
                WITH gone AS (DELETE FROM {_blobs} WHERE store = $1 AND name = $2 AND ($3::text IS NULL OR etag = $3) RETURNING version),
                     chunks AS (DELETE FROM {_chunks} WHERE store = $1 AND name = $2 AND EXISTS (SELECT 1 FROM gone))
                SELECT count(*) FROM gone
                """,
                token,
                store,
                name,
                ifMatch),
            cancellationToken);
        if (deleted == 0 && ifMatch is not null)
        {
            throw StorageConflictException.Changed($"blob '{name}'", ifMatch);
        }

        return deleted > 0;
    }

    public async IAsyncEnumerable<BlobItem> ListAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        prefix ??= string.Empty;
        var after = string.Empty;
        while (true)
        {
            var page = await database.ExecuteAsync(
                PostgresMigrations.Blobs,
                async (connection, token) =>
                {
                    await using var command = connection.Command(
                        $"""
                        SELECT {Columns} FROM {_blobs}
                        WHERE store = $1 AND name >= $2 AND starts_with(name, $2) AND name > $3
                        ORDER BY name LIMIT {PageSize}
                        """,
                        store,
                        prefix,
                        after);
                    await using var reader = await command.ExecuteReaderAsync(token);
                    var items = new List<BlobItem>();
                    while (await reader.ReadAsync(token))
                    {
                        items.Add(ReadItem(reader));
                    }

                    return items;
                },
                cancellationToken);
            foreach (var item in page)
            {
                yield return item;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1].Name;
        }
    }

    private static BlobItem ReadItem(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        PostgresValues.ReadMetadata(reader.GetString(5)));

    private async Task<(BlobItem? Item, Guid Version)> ReadItemAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.Command($"SELECT {Columns}, version FROM {_blobs} WHERE store = $1 AND name = $2", store, name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (ReadItem(reader), reader.GetGuid(6)) : (null, Guid.Empty);
    }

    private async ValueTask<BlobDownload?> OpenAsync(string name, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken);
        NpgsqlCommand? command = null;
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            var (item, version) = await ReadItemAsync(connection, name, cancellationToken);
            if (item is null)
            {
                await connection.DisposeAsync();
                return null;
            }

            command = connection.Command($"SELECT data FROM {_chunks} WHERE store = $1 AND name = $2 AND version = $3 ORDER BY index", store, name, version);
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            return new BlobDownload(item, new PostgresBlobReadStream(connection, transaction, command, reader, item.Length, database.Translate));
        }
        catch
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }

            await connection.DisposeAsync();
            throw;
        }
    }
}
