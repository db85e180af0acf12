using System.Net;
using Aos.Azure.Resilience;
using Aos.Storage;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using BlobItem = Aos.Storage.BlobItem;

namespace Aos.Azure.Storage;

/// <summary>Keeps a blob store in one Azure Blob Storage container, created on the first write; a read of a missing container finds nothing and creates nothing.</summary>
/// <remarks>
/// <para>Content is streamed both ways; ETags are the service's. Thread-safe.</para>
/// <para>
/// Every call runs through the <c>storage:azure</c> pipeline, one SDK call per attempt. An upload is retried only when its content can be
/// read again: a seekable stream is rewound to where it started; a stream that cannot seek is not retried once read from. A retried
/// delete that finds the blob gone counts as done (the first attempt deleted it unseen). A retried conditional put (if-match, if-not-exists)
/// whose first attempt took effect unseen reports a conflict: the blob holds this content, but the service cannot tell whose write it was,
/// and a false conflict (the caller re-reads) is safer than a false success.
/// </para>
/// </remarks>
internal sealed class AzureBlobStore : IBlobStore, IDisposable
{
    private const string Service = "Blob Storage";
    private const string DefaultContentType = "application/octet-stream";

    private readonly BlobContainerClient _container;
    private readonly AzureDependency _calls;
    private readonly CreateOnce _created;

    public AzureBlobStore(BlobContainerClient container, AzureDependency calls)
    {
        _container = container;
        _calls = calls;
        _created = new(async ct => await _container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false));
    }

    /// <summary>Gets the container's name.</summary>
    public string ContainerName => _container.Name;

    public ValueTask<BlobItem> PutAsync(string name, Stream content, BlobPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(name);
        ArgumentNullException.ThrowIfNull(content);
        StorageValues.ValidateMetadata(options?.Metadata);
        var contentType = string.IsNullOrEmpty(options?.ContentType) ? DefaultContentType : options.ContentType;
        var metadata = new Dictionary<string, string>(options?.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
        var conditions = options switch
        {
            { IfMatch: { } ifMatch } => new BlobRequestConditions { IfMatch = new ETag(ifMatch), IfNoneMatch = options.IfNotExists ? ETag.All : null },
            { IfNotExists: true } => new BlobRequestConditions { IfNoneMatch = ETag.All },
            _ => null,
        };

        var start = content.CanSeek ? content.Position : -1;
        return RunAsync(async ct =>
        {
            if (start >= 0)
            {
                content.Position = start;
            }

            // Counting as the SDK reads gives the length of a stream that cannot tell it in advance, without a second request.
            var counted = new CountingReadStream(content);
            try
            {
                var info = await _container.GetBlobClient(name).UploadAsync(
                    counted,
                    new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType }, Metadata = metadata, Conditions = conditions },
                    ct).ConfigureAwait(false);
                return new BlobItem(name, counted.BytesRead, contentType, info.Value.ETag.ToString(), info.Value.LastModified, metadata);
            }
            catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict or (int)HttpStatusCode.NotFound)
            {
                throw options?.IfMatch is { } ifMatch ? StorageConflictException.Changed($"blob '{name}'", ifMatch) : StorageConflictException.Exists($"blob '{name}'");
            }
            catch (Exception e) when (start < 0 && counted.BytesRead > 0 && AzureFaults.IsUnavailable(e, ct))
            {
                throw new AttemptNotRepeatableException($"The upload of blob '{name}' failed after its content stream was read, and the stream cannot seek back to be sent again.", e);
            }
        }, cancellationToken);
    }

    public ValueTask<BlobDownload?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(name);
        return ReadAsync<BlobDownload?>(async ct =>
        {
            try
            {
                var download = (await _container.GetBlobClient(name).DownloadStreamingAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
                var details = download.Details;
                return new BlobDownload(
                    new BlobItem(name, details.ContentLength, details.ContentType ?? DefaultContentType, details.ETag.ToString(), details.LastModified, Metadata(details.Metadata)),
                    download.Content);
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
            {
                return null;
            }
        }, cancellationToken);
    }

    public ValueTask<BlobItem?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(name);
        return ReadAsync<BlobItem?>(async ct =>
        {
            try
            {
                var properties = (await _container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
                return new BlobItem(name, properties.ContentLength, properties.ContentType ?? DefaultContentType, properties.ETag.ToString(), properties.LastModified, Metadata(properties.Metadata));
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
            {
                return null;
            }
        }, cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string name, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(name);
        var tries = 0;
        return ReadAsync(async ct =>
        {
            var retried = tries++ > 0;
            try
            {
                var conditions = ifMatch is null ? null : new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
                await _container.GetBlobClient(name).DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound && retried)
            {
                // An earlier attempt of this call failed without an answer after the service had deleted the blob.
                return true;
            }
            catch (RequestFailedException e) when (ifMatch is not null && e.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
            {
                throw StorageConflictException.Changed($"blob '{name}'", ifMatch);
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
            {
                return false;
            }
        }, cancellationToken);
    }

    public IAsyncEnumerable<BlobItem> ListAsync(string? prefix = null, CancellationToken cancellationToken = default)
    {
        var from = string.IsNullOrEmpty(prefix) ? null : prefix;

        // The service lists in ordinal (UTF-8 byte) order of names, which is ordinal UTF-16 order for the names it accepts.
        return _calls.PagesAsync<BlobItem>(Service, _container.Uri, async (continuation, ct) =>
        {
            try
            {
                var (blobs, next) = await AzureDependency.PageAsync(_container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, from, ct), continuation).ConfigureAwait(false);
                return ([.. blobs.Select(ToItem)], next);
            }
            catch (RequestFailedException e) when (IsContainerMissing(e))
            {
                return ([], null);
            }
        }, cancellationToken);
    }

    /// <summary>Deletes the container with every blob in it; the next write creates it again.</summary>
    public async ValueTask DeleteContainerAsync(CancellationToken cancellationToken)
    {
        await _calls.RunAsync(Service, _container.Uri, async ct => (await _container.DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);
        _created.Reset();
    }

    public void Dispose() => _created.Dispose();

    private static BlobItem ToItem(global::Azure.Storage.Blobs.Models.BlobItem blob)
    {
        var properties = blob.Properties;
        return new BlobItem(
            blob.Name,
            properties.ContentLength ?? 0,
            properties.ContentType ?? DefaultContentType,
            properties.ETag?.ToString() ?? string.Empty,
            properties.LastModified ?? DateTimeOffset.MinValue,
            Metadata(blob.Metadata));
    }

    private ValueTask<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        _calls.RunAsync(Service, _container.Uri, async ct =>
        {
            await _created.EnsureAsync(ct).ConfigureAwait(false);
            return await operation(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Runs an operation that only reads or removes, without creating the container: a missing container holds no blob (404).</summary>
    private ValueTask<T> ReadAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        _calls.RunAsync(Service, _container.Uri, async ct => await operation(ct).ConfigureAwait(false), cancellationToken);

    private static bool IsContainerMissing(RequestFailedException e) => e.Status == (int)HttpStatusCode.NotFound && e.ErrorCode == "ContainerNotFound";

    private static Dictionary<string, string> Metadata(IDictionary<string, string>? metadata) =>
        new(metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
}
