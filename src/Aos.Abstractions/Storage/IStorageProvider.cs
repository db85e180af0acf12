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
}
