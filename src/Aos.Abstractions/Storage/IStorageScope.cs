namespace Aos.Storage;

/// <summary>A part of the named stores, narrowed to one owner: names, keys and queries inside it never reach another owner's data.</summary>
public interface IStorageScope
{
    /// <summary>Gets this part of a blob store.</summary>
    /// <param name="store">The store's name.</param>
    /// <returns>The store.</returns>
    IBlobStore Blobs(string store);

    /// <summary>Gets this part of a table store.</summary>
    /// <param name="store">The store's name.</param>
    /// <returns>The store.</returns>
    ITableStore Tables(string store);

    /// <summary>Gets this part's queue in a queue store.</summary>
    /// <param name="store">The store's name.</param>
    /// <returns>The store.</returns>
    IQueueStore Queues(string store);

    /// <summary>Gets this part of a document store.</summary>
    /// <param name="store">The store's name.</param>
    /// <returns>The store.</returns>
    IDocumentStore Documents(string store);
}
