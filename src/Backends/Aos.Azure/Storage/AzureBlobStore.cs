using System.Net;
using System.Runtime.CompilerServices;
using Aos.Storage;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using BlobItem = Aos.Storage.BlobItem;

namespace Aos.Azure.Storage;

/// <summary>Keeps a blob store in one Azure Blob Storage container, created on first use.</summary>
/// <remarks>Content is streamed both ways; ETags are the service's. Thread-safe.</remarks>
internal sealed class AzureBlobStore : IBlobStore, IDisposable
{
    private const string Service = "Blob Storage";
    private const string DefaultContentType = "application/octet-stream";

    private readonly BlobContainerClient _container;
    private readonly CreateOnce _created;

    public AzureBlobStore(BlobContainerClient container)
    {
        _container = container;
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

        return RunAsync(async ct =>
        {
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
        }, cancellationToken);
    }

    public ValueTask<BlobDownload?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateBlobName(name);
        return RunAsync<BlobDownload?>(async ct =>
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
        return RunAsync<BlobItem?>(async ct =>
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
        return RunAsync(async ct =>
        {
            try
            {
                var conditions = ifMatch is null ? null : new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
                await _container.GetBlobClient(name).DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions, ct).ConfigureAwait(false);
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

    public IAsyncEnumerable<BlobItem> ListAsync(string? prefix = null, CancellationToken cancellationToken = default) =>
        AzureFaults.GuardAsync(Service, _container.Uri, ListCoreAsync(string.IsNullOrEmpty(prefix) ? null : prefix, cancellationToken), cancellationToken);

    public void Dispose() => _created.Dispose();

    private async IAsyncEnumerable<BlobItem> ListCoreAsync(string? prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);

        // The service lists in ordinal (UTF-8 byte) order of names, which is ordinal UTF-16 order for the names it accepts.
        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            var properties = blob.Properties;
            yield return new BlobItem(
                blob.Name,
                properties.ContentLength ?? 0,
                properties.ContentType ?? DefaultContentType,
                properties.ETag?.ToString() ?? string.Empty,
                properties.LastModified ?? DateTimeOffset.MinValue,
                Metadata(blob.Metadata));
        }
    }

    private ValueTask<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        AzureFaults.RunAsync(Service, _container.Uri, async ct =>
        {
            await _created.EnsureAsync(ct).ConfigureAwait(false);
            return await operation(ct).ConfigureAwait(false);
        }, cancellationToken);

    private static Dictionary<string, string> Metadata(IDictionary<string, string>? metadata) =>
        new(metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
}
