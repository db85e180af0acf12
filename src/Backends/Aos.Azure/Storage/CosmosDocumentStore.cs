using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Aos.Azure.Resilience;
using Aos.Storage;
using Microsoft.Azure.Cosmos;

namespace Aos.Azure.Storage;

/// <summary>Keeps a document store in one Azure Cosmos DB database, each collection a container partitioned by <c>/pk</c>, created on the first write; a read of a missing one finds nothing and creates nothing.</summary>
/// <remarks>
/// An item is <c>{ "id": id, "pk": partition key, "doc": the document }</c>, so the document's own fields never clash with Cosmos DB's.
/// Items are read and written as streams with System.Text.Json, so the document comes back exactly as written. ETags are the service's.
/// Thread-safe.
/// <para>
/// Every call runs through the <c>storage:cosmos</c> pipeline, one SDK call per attempt (a query, one page per attempt); the SDK's own
/// retries of throttled requests are off. A retried delete that finds the item gone counts as done. A retried add or conditional replace
/// whose first attempt took effect unseen reports a conflict (a false conflict is safer than a false success: the caller re-reads).
/// </para>
/// </remarks>
internal sealed partial class CosmosDocumentStore : IDocumentStore, IDisposable
{
    private const string Service = "Cosmos DB";

    private readonly CosmosClient _client;
    private readonly AzureDependency _calls;
    private readonly string _databaseName;
    private readonly CreateOnce _databaseCreated;
    private readonly ConcurrentDictionary<string, CreateOnce> _containersCreated = new(StringComparer.Ordinal);

    public CosmosDocumentStore(CosmosClient client, AzureDependency calls, string databaseName)
    {
        _client = client;
        _calls = calls;
        _databaseName = databaseName;
        _databaseCreated = new(async ct => await _client.CreateDatabaseIfNotExistsAsync(_databaseName, cancellationToken: ct).ConfigureAwait(false));
    }

    /// <summary>Gets the database's name.</summary>
    public string DatabaseName => _databaseName;

    public ValueTask<StoredDocument?> GetAsync(string collection, string partitionKey, string id, CancellationToken cancellationToken = default)
    {
        ValidateAddress(collection, partitionKey, id);
        return ReadAsync<StoredDocument?>(collection, async (container, ct) =>
        {
            // A missing database or container answers 404, as a missing item does.
            using var response = await container.ReadItemStreamAsync(id, new PartitionKey(partitionKey), cancellationToken: ct).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadItemAsync(Succeeded(response), ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public ValueTask<StoredDocument> AddAsync(string collection, string partitionKey, string id, JsonElement document, CancellationToken cancellationToken = default)
    {
        ValidateAddress(collection, partitionKey, id);
        StorageValues.ValidateDocument(document);
        return RunAsync(collection, async (container, ct) =>
        {
            using var content = Item(partitionKey, id, document);
            using var response = await container.CreateItemStreamAsync(content, new PartitionKey(partitionKey), NoContent(), ct).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.Conflict
                ? throw StorageConflictException.Exists(Describe(collection, partitionKey, id))
                : Written(partitionKey, id, document, Succeeded(response));
        }, cancellationToken);
    }

    public ValueTask<StoredDocument> UpsertAsync(string collection, string partitionKey, string id, JsonElement document, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ValidateAddress(collection, partitionKey, id);
        StorageValues.ValidateDocument(document);
        return RunAsync(collection, async (container, ct) =>
        {
            using var content = Item(partitionKey, id, document);
            if (ifMatch is null)
            {
                using var upserted = await container.UpsertItemStreamAsync(content, new PartitionKey(partitionKey), NoContent(), ct).ConfigureAwait(false);
                return Written(partitionKey, id, document, Succeeded(upserted));
            }

            var options = new ItemRequestOptions { IfMatchEtag = ifMatch, EnableContentResponseOnWrite = false };
            using var replaced = await container.ReplaceItemStreamAsync(content, id, new PartitionKey(partitionKey), options, ct).ConfigureAwait(false);
            return replaced.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound
                ? throw StorageConflictException.Changed(Describe(collection, partitionKey, id), ifMatch)
                : Written(partitionKey, id, document, Succeeded(replaced));
        }, cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string collection, string partitionKey, string id, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ValidateAddress(collection, partitionKey, id);
        var tries = 0;
        return ReadAsync(collection, async (container, ct) =>
        {
            var retried = tries++ > 0;
            var options = ifMatch is null ? null : new ItemRequestOptions { IfMatchEtag = ifMatch };
            using var response = await container.DeleteItemStreamAsync(id, new PartitionKey(partitionKey), options, ct).ConfigureAwait(false);
            if (retried && response.StatusCode == HttpStatusCode.NotFound)
            {
                // An earlier attempt of this call failed without an answer after the service had deleted the item.
                return true;
            }

            if (ifMatch is not null && response.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                throw StorageConflictException.Changed(Describe(collection, partitionKey, id), ifMatch);
            }

            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }

            Succeeded(response);
            return true;
        }, cancellationToken);
    }

    public void Dispose()
    {
        _databaseCreated.Dispose();
        foreach (var created in _containersCreated.Values)
        {
            created.Dispose();
        }
    }

    private static ItemRequestOptions NoContent() => new() { EnableContentResponseOnWrite = false };

    private static void ValidateAddress(string collection, string partitionKey, string id)
    {
        StorageNames.ValidateName(collection, "collection");
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageNames.ValidateKey(id, "id");
    }

    private static string Describe(string collection, string partitionKey, string id) => $"document '{partitionKey}'/'{id}' of collection '{collection}'";

    /// <summary>Deletes the database with every collection in it; the next write creates them again.</summary>
    public async ValueTask DeleteDatabaseAsync(CancellationToken cancellationToken)
    {
        await _calls.RunAsync(Service, _client.Endpoint, async ct =>
        {
            using var response = await _client.GetDatabase(_databaseName).DeleteStreamAsync(cancellationToken: ct).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.NotFound || Succeeded(response).IsSuccessStatusCode;
        }, cancellationToken).ConfigureAwait(false);
        _databaseCreated.Reset();
        _containersCreated.Clear();
    }

    /// <summary>Gets a collection's container, creating the database and the container the first time.</summary>
    private async ValueTask<Container> ContainerAsync(string collection, CancellationToken cancellationToken)
    {
        await _databaseCreated.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var created = _containersCreated.GetOrAdd(collection, name => new CreateOnce(async ct =>
        {
            var properties = new ContainerProperties(name, "/pk");

            // Cosmos DB orders by two fields only with a composite index on them.
            properties.IndexingPolicy.CompositeIndexes.Add([new CompositePath { Path = "/pk" }, new CompositePath { Path = "/id" }]);
            await _client.GetDatabase(_databaseName).CreateContainerIfNotExistsAsync(properties, cancellationToken: ct).ConfigureAwait(false);
        }));
        await created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return _client.GetContainer(_databaseName, collection);
    }

    private ValueTask<T> RunAsync<T>(string collection, Func<Container, CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        _calls.RunAsync(Service, _client.Endpoint, async ct => await operation(await ContainerAsync(collection, ct).ConfigureAwait(false), ct).ConfigureAwait(false), cancellationToken);

    /// <summary>Runs an operation that only reads or removes, without creating the database or the container: a missing one answers 404.</summary>
    private ValueTask<T> ReadAsync<T>(string collection, Func<Container, CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        _calls.RunAsync(Service, _client.Endpoint, async ct => await operation(_client.GetContainer(_databaseName, collection), ct).ConfigureAwait(false), cancellationToken);
}
