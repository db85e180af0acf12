using System.Runtime.CompilerServices;
using System.Text.Json;
using Aos.Storage.Serialization;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

/// <summary>A blob store of the embedded backend: a row per object in <c>storage_blobs</c>, its content in an immutable file named by the row.</summary>
/// <remarks>A put never overwrites a file: it writes a new one and swaps the row, so a download in progress keeps reading the version it opened.</remarks>
internal sealed class SqliteBlobStore(SqliteStorageProvider provider, string store) : IBlobStore
{
    private const string DefaultContentType = "application/octet-stream";
    private const string Columns = "name, length, content_type, metadata, etag, modified, file";

    public async ValueTask<BlobItem> PutAsync(string name, Stream content, BlobPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(name);
        ArgumentNullException.ThrowIfNull(content);
        StorageValues.ValidateMetadata(options?.Metadata);
        var contentType = string.IsNullOrWhiteSpace(options?.ContentType) ? DefaultContentType : options.ContentType;
        if (contentType.Length > 256)
        {
            throw new AosValidationException("A content type must be at most 256 characters.") { Field = "contentType" };
        }

        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var file = Guid.NewGuid().ToString("N");
        var path = Path.Combine(provider.BlobDirectory, file);
        long length;
        try
        {
            await using (var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(target, 81920, cancellationToken).ConfigureAwait(false);
                length = target.Length;
                target.Flush(flushToDisk: true);
            }
        }
        catch
        {
            SqliteStorageProvider.TryDelete(path);
            throw;
        }

        var metadata = new Dictionary<string, string>(options?.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
        var metadataJson = JsonSerializer.Serialize(metadata, AosStorageJsonContext.Default.DictionaryStringString);
        var etag = SqliteStorageProvider.NewETag();
        var now = provider.Now();
        string? replaced;
        try
        {
            replaced = await provider.Database.WriteAsync(
                connection =>
                {
                    var (currentETag, currentFile) = Current(connection, name);
                    if (options?.IfNotExists == true && currentETag is not null)
                    {
                        throw StorageConflictException.Exists($"blob '{name}'");
                    }

                    if (options?.IfMatch is { } ifMatch && currentETag != ifMatch)
                    {
                        throw StorageConflictException.Changed($"blob '{name}'", ifMatch);
                    }

                    using var upsert = SqliteStorageProvider.Command(
                        connection,
                        "INSERT INTO storage_blobs (store, name, file, length, content_type, metadata, etag, modified) VALUES ($s, $n, $f, $l, $ct, $m, $e, $t) " +
                        "ON CONFLICT (store, name) DO UPDATE SET file = $f, length = $l, content_type = $ct, metadata = $m, etag = $e, modified = $t;",
                        ("$s", store), ("$n", name), ("$f", file), ("$l", length), ("$ct", contentType), ("$m", metadataJson), ("$e", etag), ("$t", now));
                    upsert.ExecuteNonQuery();
                    return currentFile;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            SqliteStorageProvider.TryDelete(path);
            throw;
        }

        if (replaced is not null)
        {
            provider.DeleteFile(replaced);
        }

        return new BlobItem(name, length, contentType, etag, DateTimeOffset.FromUnixTimeMilliseconds(now), metadata);
    }

    public async ValueTask<BlobDownload?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(name);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            if (await ReadAsync(name, cancellationToken).ConfigureAwait(false) is not { } row)
            {
                return null;
            }

            try
            {
                var stream = new FileStream(Path.Combine(provider.BlobDirectory, row.File), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
                return new BlobDownload(row.Item, stream);
            }
            catch (FileNotFoundException) when (attempt < 3)
            {
                // Replaced or deleted between reading the row and opening its file: read the row again.
            }
        }
    }

    public async ValueTask<BlobItem?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(name);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return (await ReadAsync(name, cancellationToken).ConfigureAwait(false))?.Item;
    }

    public async ValueTask<bool> DeleteAsync(string name, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(name);
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await provider.Database.WriteAsync(
            connection =>
            {
                var (currentETag, currentFile) = Current(connection, name);
                if (ifMatch is not null && currentETag != ifMatch)
                {
                    throw StorageConflictException.Changed($"blob '{name}'", ifMatch);
                }

                if (currentFile is null)
                {
                    return null;
                }

                using var delete = SqliteStorageProvider.Command(connection, "DELETE FROM storage_blobs WHERE store = $s AND name = $n;", ("$s", store), ("$n", name));
                delete.ExecuteNonQuery();
                return currentFile;
            },
            cancellationToken).ConfigureAwait(false);
        if (deleted is null)
        {
            return false;
        }

        provider.DeleteFile(deleted);
        return true;
    }

    public async IAsyncEnumerable<BlobItem> ListAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        prefix ??= string.Empty;
        await provider.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var after = string.Empty;
        while (true)
        {
            var page = await provider.Database.ReadAsync(
                connection =>
                {
                    using var command = SqliteStorageProvider.Command(
                        connection,
                        $"SELECT {Columns} FROM storage_blobs WHERE store = $s AND name >= $p AND substr(name, 1, length($p)) = $p AND name > $a ORDER BY name LIMIT {SqliteStorageProvider.PageSize};",
                        ("$s", store), ("$p", prefix), ("$a", after));
                    using var reader = command.ExecuteReader();
                    var items = new List<BlobItem>();
                    while (reader.Read())
                    {
                        items.Add(Item(reader));
                    }

                    return items;
                },
                cancellationToken).ConfigureAwait(false);
            foreach (var item in page)
            {
                yield return item;
            }

            if (page.Count < SqliteStorageProvider.PageSize)
            {
                yield break;
            }

            after = page[^1].Name;
        }
    }

    private (string? ETag, string? File) Current(SqliteConnection connection, string name)
    {
        using var select = SqliteStorageProvider.Command(connection, "SELECT etag, file FROM storage_blobs WHERE store = $s AND name = $n;", ("$s", store), ("$n", name));
        using var reader = select.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetString(1)) : (null, null);
    }

    private Task<(BlobItem Item, string File)?> ReadAsync(string name, CancellationToken cancellationToken) =>
        provider.Database.ReadAsync<(BlobItem, string)?>(
            connection =>
            {
                using var command = SqliteStorageProvider.Command(connection, $"SELECT {Columns} FROM storage_blobs WHERE store = $s AND name = $n;", ("$s", store), ("$n", name));
                using var reader = command.ExecuteReader();
                return reader.Read() ? (Item(reader), reader.GetString(6)) : null;
            },
            cancellationToken);

    private static BlobItem Item(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.GetString(4),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        new Dictionary<string, string>(JsonSerializer.Deserialize(reader.GetString(3), AosStorageJsonContext.Default.DictionaryStringString)!, StringComparer.OrdinalIgnoreCase));
}
