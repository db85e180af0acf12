namespace Aos.Storage;

/// <summary>
/// Keeps named binary objects with a content type and metadata: one blob container of a storage backend.
/// </summary>
/// <remarks>
/// <para>
/// Every backend passes the same conformance kit. A put replaces the whole object atomically: a reader sees the old content or the new,
/// never a mix, and a failed put leaves the old object as it was. Each successful put gives the object a new <see cref="BlobItem.ETag"/>;
/// conditional puts and deletes (<see cref="BlobPutOptions.IfMatch"/>, <see cref="BlobPutOptions.IfNotExists"/>) fail with
/// <see cref="StorageConflictException"/> and change nothing when the condition does not hold.
/// </para>
/// <para>Names are validated by <see cref="StorageNames.ValidateBlobName"/>. Content is streamed in and out, so large objects are not held in memory. Thread-safe.</para>
/// </remarks>
public interface IBlobStore
{
    /// <summary>Stores an object under a name, replacing any object there.</summary>
    /// <param name="name">The object's name; <c>/</c> separates the segments that <see cref="ListAsync"/> filters by prefix.</param>
    /// <param name="content">The content, read to its end.</param>
    /// <param name="options">The content type, metadata and condition; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The stored object's properties, with its new ETag.</returns>
    /// <exception cref="StorageConflictException">The condition in <paramref name="options"/> does not hold; nothing was stored.</exception>
    ValueTask<BlobItem> PutAsync(string name, Stream content, BlobPutOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Opens an object for reading.</summary>
    /// <param name="name">The object's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The object's properties and a stream of its content, which the caller disposes; <see langword="null"/> when there is no such object.</returns>
    ValueTask<BlobDownload?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Gets an object's properties without its content.</summary>
    /// <param name="name">The object's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The properties; <see langword="null"/> when there is no such object.</returns>
    ValueTask<BlobItem?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object.</summary>
    /// <param name="name">The object's name.</param>
    /// <param name="ifMatch">The ETag the object must have; <see langword="null"/> to delete whatever is there.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when an object was deleted; <see langword="false"/> when there was none (and no ETag was given).</returns>
    /// <exception cref="StorageConflictException"><paramref name="ifMatch"/> is given and the object is missing or has another ETag.</exception>
    ValueTask<bool> DeleteAsync(string name, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Lists objects whose names start with a prefix, in ordinal name order.</summary>
    /// <param name="prefix">The prefix; <see langword="null"/> or empty for every object.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The objects' properties, fetched page by page as the caller enumerates.</returns>
    IAsyncEnumerable<BlobItem> ListAsync(string? prefix = null, CancellationToken cancellationToken = default);
}
