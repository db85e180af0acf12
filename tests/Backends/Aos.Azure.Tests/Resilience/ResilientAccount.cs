using Aos.Azure.Resilience;
using Aos.Azure.Storage;
using Aos.Azure.Tests.Storage;
using Aos.Reliability;
using Aos.Storage;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aos.Azure.Tests.Resilience;

/// <summary>Opens Azure stores on an account through clients configured as the provider configures them, plus a request counter, and a storage:azure pipeline with small delays.</summary>
internal sealed class ResilientAccount : IDisposable
{
    /// <summary>Gets Azurite's well-known development key (public, not a secret).</summary>
    public const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Gets the connection string of an account on a port where nothing listens.</summary>
    public const string Unreachable =
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;"
        + "QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1";

    private readonly string _connectionString;

    public ResilientAccount(string connectionString, int maxRetryAttempts = 2, int minimumThroughput = 100)
    {
        _connectionString = connectionString;
        Pipelines = DependencyPipelines.Create(
            TimeProvider.System,
            options => options.SetDependency(AzureDependency.Storage, new DependencyOptions
            {
                Retry = { MaxRetryAttempts = maxRetryAttempts, BaseDelay = TimeSpan.FromMilliseconds(1), UseJitter = false },
                CircuitBreaker = { MinimumThroughput = minimumThroughput, SamplingDuration = TimeSpan.FromMinutes(1), BreakDuration = TimeSpan.FromMinutes(1) },
            }),
            AzureErrorClassifier.Instance);
        Calls = new AzureDependency(AzureDependency.Storage, Pipelines);
    }

    /// <summary>Gets the prefix of everything made on the account; <see cref="AzureStorageTestAccount.DeleteAllAsync"/> removes it.</summary>
    public AzureStorageTestAccount Names { get; } = new();

    public CountingPolicy Requests { get; } = new();

    public DependencyPipelines Pipelines { get; }

    public AzureDependency Calls { get; }

    public AzureBlobStore Blobs(string name = "blobs") =>
        new(new BlobServiceClient(_connectionString, Configure(new BlobClientOptions())).GetBlobContainerClient(AzureStorageNames.Container(Names.Prefix, name)), Calls);

    public AzureTableStore Table(string name = "table") =>
        new(new TableServiceClient(_connectionString, Configure(new TableClientOptions())).GetTableClient(AzureStorageNames.Table(Names.Prefix, name)), Calls);

    public AzureQueueStore Queue(string name = "queue")
    {
        var queues = new QueueServiceClient(_connectionString, Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));
        return new AzureQueueStore(
            queues.GetQueueClient(AzureStorageNames.Queue(Names.Prefix, name)),
            queues.GetQueueClient(AzureStorageNames.DeadLetterQueue(Names.Prefix, name)),
            Calls,
            new QueueStoreOptions(),
            TimeProvider.System,
            NullLogger.Instance);
    }

    public void Dispose() => Pipelines.Dispose();

    private T Configure<T>(T options)
        where T : global::Azure.Core.ClientOptions
    {
        AzureStorageProvider.Configure(options);
        options.AddPolicy(Requests, global::Azure.Core.HttpPipelinePosition.PerRetry);
        return options;
    }
}
