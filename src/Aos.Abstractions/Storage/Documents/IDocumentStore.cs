using System.Text.Json;

namespace Aos.Storage;

/// <summary>
/// Keeps JSON documents in collections, each document addressed by partition key and id: one document database of a storage backend.
/// </summary>
/// <remarks>
/// <para>
/// Every backend passes the same conformance kit. Each write gives the document a new <see cref="StoredDocument.ETag"/>; a write or
/// delete that names an ETag (optimistic concurrency) fails with <see cref="StorageConflictException"/> and changes nothing when the
/// document changed or is gone. A document is a JSON object; queries compare fields found by dotted paths.
/// </para>
/// <para>Collection names are validated by <see cref="StorageNames.ValidateName"/>, keys and ids by <see cref="StorageNames.ValidateKey"/>. Thread-safe.</para>
/// </remarks>
public interface IDocumentStore
{
    /// <summary>Reads one document.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="partitionKey">The partition key.</param>
    /// <param name="id">The document's id, unique within the partition.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The document with its ETag; <see langword="null"/> when there is none.</returns>
    ValueTask<StoredDocument?> GetAsync(string collection, string partitionKey, string id, CancellationToken cancellationToken = default);

    /// <summary>Adds a document that must not exist yet.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="partitionKey">The partition key.</param>
    /// <param name="id">The document's id.</param>
    /// <param name="document">The document, a JSON object.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The document as stored, with its ETag.</returns>
    /// <exception cref="StorageConflictException">A document with the same partition key and id exists; nothing was changed.</exception>
    ValueTask<StoredDocument> AddAsync(string collection, string partitionKey, string id, JsonElement document, CancellationToken cancellationToken = default);

    /// <summary>Writes a document, replacing it whole: unconditionally, or, with <paramref name="ifMatch"/>, only if the stored document still has that ETag.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="partitionKey">The partition key.</param>
    /// <param name="id">The document's id.</param>
    /// <param name="document">The document, a JSON object.</param>
    /// <param name="ifMatch">The ETag the stored document must have; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The document as stored, with its new ETag.</returns>
    /// <exception cref="StorageConflictException"><paramref name="ifMatch"/> is given and the document is missing or has another ETag; nothing was changed.</exception>
    ValueTask<StoredDocument> UpsertAsync(string collection, string partitionKey, string id, JsonElement document, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a document.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="partitionKey">The partition key.</param>
    /// <param name="id">The document's id.</param>
    /// <param name="ifMatch">The ETag the document must have; <see langword="null"/> to delete whatever is there.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when a document was deleted; <see langword="false"/> when there was none (and no ETag was given).</returns>
    /// <exception cref="StorageConflictException"><paramref name="ifMatch"/> is given and the document is missing or has another ETag.</exception>
    ValueTask<bool> DeleteAsync(string collection, string partitionKey, string id, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the documents of a collection that meet every condition, ordered by partition key then id (ordinal).</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="partitionKey">The partition to read; <see langword="null"/> for every partition.</param>
    /// <param name="conditions">Conditions on fields, by dotted path, all of which must hold; none for every document.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The documents, fetched page by page as the caller enumerates.</returns>
    /// <remarks>A condition holds only for a field of the condition value's JSON kind (string, number, boolean); a missing field does not match. Times and GUIDs compare as their text: store times as ISO 8601 UTC strings to compare them in order.</remarks>
    IAsyncEnumerable<StoredDocument> QueryAsync(string collection, string? partitionKey = null, IReadOnlyList<FieldCondition>? conditions = null, CancellationToken cancellationToken = default);
}
