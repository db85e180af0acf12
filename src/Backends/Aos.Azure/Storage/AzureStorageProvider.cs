using System.Collections.Concurrent;
using Aos.Azure.Resilience;
using Aos.Reliability;
using Aos.Storage;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aos.Azure.Storage;

/// <summary>
/// Opens the stores of the Azure backend: blobs in Azure Blob Storage containers, tables in Azure Table Storage, queues in Azure Storage
/// queues, and documents in Azure Cosmos DB when <see cref="AzureStorageOptions.CosmosConnectionString"/> is set.
/// </summary>
/// <remarks>
/// <para>
/// Each store's container, table, queue or database is named after <see cref="AzureStorageOptions.Prefix"/> and the store's name and is
/// created the first time the store is used. Getting a store does no I/O.
/// </para>
/// <para>
/// Every call to Blob, Table and Queue Storage runs through the reliability service's <c>storage:azure</c> pipeline, every call to Cosmos DB
/// through <c>storage:cosmos</c> (retry of transient failures, circuit breaker, attempt timeout; <see cref="AzureErrorClassifier"/> sorts the
/// SDKs' errors). The SDKs' own retries are off, so that retries are not multiplied and the options at
/// <c>Aos:Reliability:Dependencies:storage:azure</c> are the one policy; reading a downloaded blob's content still resumes a broken
/// stream the SDK's way. A call that still fails for want of an answer, or that the open circuit refuses, fails with
/// <see cref="StorageUnavailableException"/> naming the service, its endpoint and the dependency.
/// </para>
/// <para>Thread-safe. Dispose it to close the Cosmos DB connection.</para>
/// </remarks>
public sealed class AzureStorageProvider : IStorageProvider, IStorageHealth, IDisposable
{
    private readonly string _prefix;
    private readonly BlobServiceClient _blobs;
    private readonly TableServiceClient _tables;
    private readonly QueueServiceClient _queues;
    private readonly QueueServiceClient _deadLetterQueues;
    private readonly Lazy<CosmosClient>? _cosmos;
    private readonly DependencyPipelines? _ownPipelines;
    private readonly AzureDependency _storageCalls;
    private readonly AzureDependency _cosmosCalls;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, AzureBlobStore> _blobStores = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AzureTableStore> _tableStores = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Name, int MaxDequeueCount), AzureQueueStore> _queueStores = new();
    private readonly ConcurrentDictionary<string, CosmosDocumentStore> _documentStores = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="AzureStorageProvider"/> class.</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock, for times the service does not report; <see langword="null"/> for the system clock.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <param name="pipelines">
    /// The reliability service's pipelines, whose <c>storage:azure</c> and <c>storage:cosmos</c> pipelines retry and break (they need the
    /// <see cref="AzureErrorClassifier"/> registered to know the SDKs' errors); <see langword="null"/> for this provider's own, on the default
    /// options and the system clock.
    /// </param>
    /// <exception cref="AosValidationException">The options are not valid; the error names each wrong option.</exception>
    public AzureStorageProvider(AzureStorageOptions options, TimeProvider? timeProvider = null, ILogger<AzureStorageProvider>? logger = null, DependencyPipelines? pipelines = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate().ToList() is { Count: > 0 } problems)
        {
            throw new AosValidationException(string.Join(" ", problems)) { Field = AzureStorageOptions.SectionName };
        }

        _prefix = options.Prefix;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;

        // Retry delays and breaks run on the system clock when the provider has its own pipelines: a test clock that never moves must not stall them.
        _ownPipelines = pipelines is null ? DependencyPipelines.Create(TimeProvider.System, null, AzureErrorClassifier.Instance) : null;
        _storageCalls = new AzureDependency(AzureDependency.Storage, pipelines ?? _ownPipelines!);
        _cosmosCalls = new AzureDependency(AzureDependency.Cosmos, pipelines ?? _ownPipelines!);
        _blobs = new BlobServiceClient(options.ConnectionString, Configure(new BlobClientOptions()));
        _tables = new TableServiceClient(options.ConnectionString, Configure(new TableClientOptions()));
        _queues = new QueueServiceClient(options.ConnectionString, Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));
        _deadLetterQueues = new QueueServiceClient(options.ConnectionString, Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }));
        if (options.CosmosConnectionString is { } cosmos)
        {
            _cosmos = new(() => new CosmosClient(cosmos, new CosmosClientOptions
            {
                ApplicationName = "aos",
                ConnectionMode = ConnectionMode.Gateway,
                RequestTimeout = TimeSpan.FromSeconds(30),
                // Throttled requests are retried by the storage:cosmos pipeline, not by the SDK.
                MaxRetryAttemptsOnRateLimitedRequests = 0,
                MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.Zero,
            }));
        }
    }

    /// <inheritdoc/>
    public string Name => AzureFaults.Backend;

    /// <inheritdoc/>
    public IBlobStore GetBlobStore(string name)
    {
        StorageNames.ValidateName(name);
        return _blobStores.GetOrAdd(name, n => new AzureBlobStore(_blobs.GetBlobContainerClient(AzureStorageNames.Container(_prefix, n)), _storageCalls));
    }

    /// <inheritdoc/>
    public ITableStore GetTableStore(string name)
    {
        StorageNames.ValidateName(name);
        return _tableStores.GetOrAdd(name, n => new AzureTableStore(_tables.GetTableClient(AzureStorageNames.Table(_prefix, n)), _storageCalls));
    }

    /// <inheritdoc/>
    public IQueueStore GetQueueStore(string name, QueueStoreOptions? options = null)
    {
        StorageNames.ValidateName(name);
        var maxDequeueCount = options?.MaxDequeueCount ?? new QueueStoreOptions().MaxDequeueCount;
        if (maxDequeueCount < 1)
        {
            throw new AosValidationException($"MaxDequeueCount is {maxDequeueCount}; a message must be receivable at least once.") { Field = "MaxDequeueCount" };
        }

        return _queueStores.GetOrAdd((name, maxDequeueCount), key => new AzureQueueStore(
            _queues.GetQueueClient(AzureStorageNames.Queue(_prefix, key.Name)),
            _deadLetterQueues.GetQueueClient(AzureStorageNames.DeadLetterQueue(_prefix, key.Name)),
            _storageCalls,
            new QueueStoreOptions { MaxDequeueCount = key.MaxDequeueCount },
            _time,
            _logger));
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">No Cosmos DB connection string is configured.</exception>
    public IDocumentStore GetDocumentStore(string name)
    {
        StorageNames.ValidateName(name);
        if (_cosmos is null)
        {
            throw new NotSupportedException(
                $"The azure storage backend keeps documents in Azure Cosmos DB, and no Cosmos DB account is configured: set {AzureStorageOptions.SectionName}:CosmosConnectionString, "
                + "or keep documents with the sqlite or postgres storage backend.");
        }

        return _documentStores.GetOrAdd(name, n => new CosmosDocumentStore(_cosmos.Value, _cosmosCalls, AzureStorageNames.Container(_prefix, n)));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Deletes the store's container, table, queue and dead-letter queue, or Cosmos DB database. The service removes them in the
    /// background: using the name again within about 30 seconds fails with a conflict that says the resource is being deleted.
    /// </remarks>
    public async ValueTask DeleteStoreAsync(StoreKind kind, string name, CancellationToken cancellationToken = default)
    {
        switch (kind)
        {
            case StoreKind.Blob:
                await ((AzureBlobStore)GetBlobStore(name)).DeleteContainerAsync(cancellationToken).ConfigureAwait(false);
                break;
            case StoreKind.Table:
                await ((AzureTableStore)GetTableStore(name)).DeleteTableAsync(cancellationToken).ConfigureAwait(false);
                break;
            case StoreKind.Queue:
                // Every cached handle of the queue (one per dequeue limit) must create it again.
                await ((AzureQueueStore)GetQueueStore(name)).DeleteQueuesAsync(cancellationToken).ConfigureAwait(false);
                foreach (var (key, store) in _queueStores)
                {
                    if (key.Name == name)
                    {
                        store.Forget();
                    }
                }

                break;
            case StoreKind.Document:
                if (_cosmos is not null)
                {
                    await ((CosmosDocumentStore)GetDocumentStore(name)).DeleteDatabaseAsync(cancellationToken).ConfigureAwait(false);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Name a blob, table, queue or document store.");
        }
    }

    /// <inheritdoc />
    /// <remarks>Asks the Table service for one page of at most one table: the cheapest request that needs the account to answer.</remarks>
    public async ValueTask CheckHealthAsync(CancellationToken cancellationToken = default) =>
        await _storageCalls.RunAsync(
            "Table Storage",
            _tables.Uri,
            async ct =>
            {
                await foreach (var _ in _tables.QueryAsync(maxPerPage: 1, cancellationToken: ct).AsPages().ConfigureAwait(false))
                {
                    break;
                }

                return true;
            },
            cancellationToken).ConfigureAwait(false);

    /// <summary>Closes the Cosmos DB connection, if one was opened.</summary>
    public void Dispose()
    {
        foreach (var store in _blobStores.Values)
        {
            store.Dispose();
        }

        foreach (var store in _tableStores.Values)
        {
            store.Dispose();
        }

        foreach (var store in _queueStores.Values)
        {
            store.Dispose();
        }

        foreach (var store in _documentStores.Values)
        {
            store.Dispose();
        }

        if (_cosmos is { IsValueCreated: true })
        {
            _cosmos.Value.Dispose();
        }

        _ownPipelines?.Dispose();
    }

    /// <summary>Configures an Azure Storage client: no retries of its own (the <c>storage:azure</c> pipeline retries), 30 seconds per network read.</summary>
    internal static T Configure<T>(T options)
        where T : ClientOptions
    {
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }
}
