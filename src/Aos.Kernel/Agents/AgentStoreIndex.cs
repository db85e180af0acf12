using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Aos.Agents;
using Aos.Storage;

namespace Aos.Kernel.Agents;

/// <summary>
/// Records which of its own stores each agent has written to, and deletes them with the agent: an agent's part of a store is named by
/// a hash of its id (<see cref="StorageCatalog.ForAgent"/>), so nothing else could find it once the agent is gone.
/// </summary>
/// <remarks>
/// One document per agent and store, in the collection <c>agent-stores</c> of the document store <c>aos-kernel</c>
/// (<see cref="AosStorageNames.KernelDocuments"/>), partitioned by the agent's id. An agent's first write to a store in an activation
/// reads its entry, and writes it the first time ever; the entry is durable before the write it precedes, so a store is never written
/// unrecorded. Deletion removes each store, then its entry, so a deletion cut short is finished by deleting the agent again. Thread-safe.
/// </remarks>
/// <param name="catalog">The named stores; <see langword="null"/> on a host without the storage service, where agents have no stores.</param>
internal sealed class AgentStoreIndex(StorageCatalog? catalog = null) : IAgentDeletionParticipant
{
    /// <summary>Gets the collection of the index's entries.</summary>
    internal const string Collection = "agent-stores";

    private IDocumentStore Index => Catalog.GetDocumentStore(AosStorageNames.KernelDocuments);

    private StorageCatalog Catalog => catalog ?? throw new InvalidOperationException("This host has no storage service, so its agents have no stores to record.");

    /// <summary>Records that an agent uses one of its own stores, unless it is recorded already.</summary>
    /// <param name="agent">The agent.</param>
    /// <param name="kind">The kind of store.</param>
    /// <param name="store">The store's name, as the agent names it.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the entry is durable.</returns>
    public async ValueTask RecordAsync(AgentId agent, StoreKind kind, string store, CancellationToken cancellationToken)
    {
        var entry = new AgentStoreEntry(Name(kind), store);
        if (await Index.GetAsync(Collection, agent.Value, entry.Key, cancellationToken).ConfigureAwait(false) is null)
        {
            await Index.UpsertAsync(Collection, agent.Value, entry.Key, JsonSerializer.SerializeToElement(entry, KernelJsonContext.Default.AgentStoreEntry), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lists the stores an agent has written to.</summary>
    /// <param name="agent">The agent.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Each store's kind and name, in the order of their keys.</returns>
    public async ValueTask<IReadOnlyList<(StoreKind Kind, string Store)>> ListAsync(AgentId agent, CancellationToken cancellationToken = default)
    {
        var stores = new List<(StoreKind, string)>();
        await foreach (var document in Index.QueryAsync(Collection, agent.Value, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var entry = document.Document.Deserialize(KernelJsonContext.Default.AgentStoreEntry)!;
            stores.Add((Kind(entry.Kind), entry.Store));
        }

        return stores;
    }

    /// <inheritdoc />
    public async ValueTask OnAgentDeletingAsync(AgentDescriptor agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (catalog is null)
        {
            return;
        }

        foreach (var (kind, store) in await ListAsync(agent.Id, cancellationToken).ConfigureAwait(false))
        {
            await Catalog.DeleteAgentStoreAsync(agent.Id, kind, store, cancellationToken).ConfigureAwait(false);
            await Index.DeleteAsync(Collection, agent.Id.Value, new AgentStoreEntry(Name(kind), store).Key, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Name(StoreKind kind) => kind switch
    {
        StoreKind.Blob => "blob",
        StoreKind.Table => "table",
        StoreKind.Queue => "queue",
        StoreKind.Document => "document",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static StoreKind Kind(string name) => name switch
    {
        "blob" => StoreKind.Blob,
        "table" => StoreKind.Table,
        "queue" => StoreKind.Queue,
        "document" => StoreKind.Document,
        _ => throw new InvalidDataException($"The agent store index holds an entry of unknown kind '{name}'."),
    };
}

/// <summary>One store an agent has written to, as the agent names it.</summary>
/// <param name="Kind">The kind of store: <c>blob</c>, <c>table</c>, <c>queue</c> or <c>document</c>.</param>
/// <param name="Store">The store's name.</param>
internal sealed record AgentStoreEntry(string Kind, string Store)
{
    /// <summary>Gets the entry's document id: the kind and the name.</summary>
    [JsonIgnore]
    public string Key => Kind + ":" + Store;
}

/// <summary>Records an agent's stores once per activation: the first write to each store waits for its entry, later ones do not.</summary>
/// <param name="index">The index.</param>
/// <param name="agent">The agent.</param>
internal sealed class AgentStoreRecorder(AgentStoreIndex index, AgentId agent)
{
    private readonly ConcurrentDictionary<(StoreKind, string), Task> _recorded = new();

    /// <summary>Makes sure the store is recorded before the agent writes to it.</summary>
    /// <param name="kind">The kind of store.</param>
    /// <param name="store">The store's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the store's entry is durable.</returns>
    public ValueTask EnsureAsync(StoreKind kind, string store, CancellationToken cancellationToken)
    {
        var recording = _recorded.GetOrAdd((kind, store), key => index.RecordAsync(agent, key.Item1, key.Item2, CancellationToken.None).AsTask());
        if (recording.IsCompletedSuccessfully)
        {
            return ValueTask.CompletedTask;
        }

        return new ValueTask(WaitAsync(kind, store, recording, cancellationToken));
    }

    private async Task WaitAsync(StoreKind kind, string store, Task recording, CancellationToken cancellationToken)
    {
        try
        {
            await recording.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (recording.IsFaulted || recording.IsCanceled)
        {
            // A failed recording is tried again by the next write.
            _recorded.TryRemove(new KeyValuePair<(StoreKind, string), Task>((kind, store), recording));
            throw;
        }
    }
}
