namespace Aos.Storage;

/// <summary>
/// Opens the blob, table, queue and document stores of one storage backend (the embedded SQLite database, PostgreSQL, Azure Storage).
/// </summary>
/// <remarks>
/// A store is addressed by a name validated by <see cref="StorageNames.ValidateName"/>; the backend creates what it needs for it (tables,
/// containers, queues) on first use, idempotently. The same name in two kinds of store names two unrelated stores. Getting a store is
/// cheap and does no I/O. A backend that does not keep one kind of store throws <see cref="NotSupportedException"/> saying which
/// backend does. Thread-safe.
/// </remarks>
public interface IStorageProvider
{
    /// <summary>Gets the backend's name, as configuration names it (<c>sqlite</c>, <c>postgres</c>, <c>azure</c>).</summary>
    string Name { get; }

    /// <summary>Gets a blob store (container).</summary>
    /// <param name="name">The store's name.</param>
    /// <returns>The store.</returns>
    IBlobStore GetBlobStore(string name);

    /// <summary>Gets a table store.</summary>
    /// <param name="name">The store's name.</param>
    /// <returns>The store.</returns>
    ITableStore GetTableStore(string name);

    /// <summary>Gets a queue store.</summary>
    /// <param name="name">The store's name.</param>
    /// <param name="options">The queue's options; <see langword="null"/> for the defaults.</param>
    /// <returns>The store.</returns>
    IQueueStore GetQueueStore(string name, QueueStoreOptions? options = null);

    /// <summary>Gets a document store (a database of collections).</summary>
    /// <param name="name">The store's name.</param>
    /// <returns>The store.</returns>
    IDocumentStore GetDocumentStore(string name);

    /// <summary>Deletes a store and everything in it: every blob, entity, queue message and dead letter, or document of every collection.</summary>
    /// <param name="kind">The kind of store.</param>
    /// <param name="name">The store's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the store's content is gone.</returns>
    /// <remarks>
    /// Deleting a store that does not exist, or one deleted already, does nothing. The name may be used again afterwards, for a new and
    /// empty store (on a service that deletes in the background, such as Azure Storage, once the service has finished).
    /// </remarks>
    /// <exception cref="AosValidationException">The name is not a valid store name.</exception>
    ValueTask DeleteStoreAsync(StoreKind kind, string name, CancellationToken cancellationToken = default);
}
