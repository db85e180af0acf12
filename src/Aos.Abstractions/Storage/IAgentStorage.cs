namespace Aos.Storage;

/// <summary>Gives an agent its own part of the named stores: what it writes there, only it (and operators) can read.</summary>
/// <remarks>
/// Each store is the named store of the node's configuration (same backend), narrowed to the agent: the agent's part is a store of its
/// own, named after the store and a hash of the agent's id, so no name, key or query of the agent can reach another agent's data.
/// Store names for agents are at most 28 characters (the rest carries the scope).
/// </remarks>
public interface IAgentStorage
{
    /// <summary>Gets the agent's part of a blob store.</summary>
    /// <param name="store">The store's name.</param>
    /// <returns>The store.</returns>
    IBlobStore Blobs(string store);

    /// <summary>Gets the agent's part of a table store.</summary>
    /// <param name="store">The store's name.</param>
    /// <returns>The store.</returns>
    ITableStore Tables(string store);

    /// <summary>Gets the agent's own queue in a queue store.</summary>
    /// <param name="store">The store's name.</param>
    /// <returns>The store.</returns>
    IQueueStore Queues(string store);

    /// <summary>Gets the agent's part of a document store.</summary>
    /// <param name="store">The store's name.</param>
    /// <returns>The store.</returns>
    IDocumentStore Documents(string store);
}
