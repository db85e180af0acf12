using Aos.TestSupport;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Messaging.ServiceBus.Administration;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure;

namespace Aos.Azure.Tests;

/// <summary>Finds the Azure services the tests run against (Azurite for Blob, Queue and Table Storage, real accounts for Service Bus and Cosmos DB) and skips or fails a test without them.</summary>
internal static class AzureTestServices
{
    /// <summary>Gets the storage account connection string: <c>AOS_TEST_AZURE_STORAGE</c>, or Azurite's development storage that <c>.ci/run</c> starts.</summary>
    public static string StorageConnectionString { get; } =
        Environment.GetEnvironmentVariable("AOS_TEST_AZURE_STORAGE") is { Length: > 0 } storage ? storage : "UseDevelopmentStorage=true";

    /// <summary>Gets the Service Bus connection string from <c>AOS_TEST_SERVICEBUS</c>, or <see langword="null"/> when it is not set.</summary>
    public static string? ServiceBusConnectionString { get; } =
        Environment.GetEnvironmentVariable("AOS_TEST_SERVICEBUS") is { Length: > 0 } serviceBus ? serviceBus : null;

    /// <summary>Gets the Cosmos DB connection string from <c>AOS_TEST_COSMOS</c>, or <see langword="null"/> when it is not set.</summary>
    public static string? CosmosConnectionString { get; } =
        Environment.GetEnvironmentVariable("AOS_TEST_COSMOS") is { Length: > 0 } cosmos ? cosmos : null;

    private static readonly Lazy<Task<string?>> StorageProbe = new(ProbeStorageAsync);

    /// <summary>Skips the current test when the Blob, Queue or Table service does not answer; fails it instead when <c>AOS_TEST_REQUIRE_SERVICES=1</c>.</summary>
    public static async Task RequireStorageAsync()
    {
        if (await StorageProbe.Value is not { } problem)
        {
            return;
        }

        var reason = $"Azure Storage (Blob, Queue and Table) is not reachable ({problem}). Start Azurite with 'npm install azurite@3.37.0' and "
            + "'node_modules/.bin/azurite --silent --location <dir> --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 --skipApiVersionCheck', "
            + "or set AOS_TEST_AZURE_STORAGE to a storage connection string.";
        RequiredService.SkipOrFail(reason);
    }

    /// <summary>Skips the current test when <c>AOS_TEST_SERVICEBUS</c> is not set, also under <c>AOS_TEST_REQUIRE_SERVICES=1</c>: there is no Service Bus emulator CI could start.</summary>
    /// <returns>The Service Bus connection string.</returns>
    public static string RequireServiceBus()
    {
        if (ServiceBusConnectionString is { } connectionString)
        {
            return connectionString;
        }

        Assert.Skip(
            "Azure Service Bus is not configured: set AOS_TEST_SERVICEBUS to the connection string of a namespace (Manage rights; each test creates and deletes "
            + "its own queue), and AOS_TEST_AZURE_STORAGE for the ledger (default: Azurite). This test is skipped even under AOS_TEST_REQUIRE_SERVICES=1, "
            + "because there is no Service Bus emulator that CI could start.");
        return null!;
    }

    /// <summary>Skips the current test when <c>AOS_TEST_COSMOS</c> is not set, also under <c>AOS_TEST_REQUIRE_SERVICES=1</c>: CI starts no Cosmos DB emulator.</summary>
    /// <returns>The Cosmos DB connection string.</returns>
    public static string RequireCosmos()
    {
        if (CosmosConnectionString is { } connectionString)
        {
            return connectionString;
        }

        Assert.Skip(
            "Azure Cosmos DB is not configured: set AOS_TEST_COSMOS to the connection string of an account ('AccountEndpoint=…;AccountKey=…'; each test creates "
            + "and deletes its own database). This test is skipped even under AOS_TEST_REQUIRE_SERVICES=1, because CI starts no Cosmos DB emulator.");
        return null!;
    }

    /// <summary>Creates a table client for a fresh table name.</summary>
    public static TableClient NewTable() => new(StorageConnectionString, "AosTest" + Guid.NewGuid().ToString("N")[..16]);

    /// <summary>Deletes a table, if it exists.</summary>
    public static async Task DeleteTableAsync(string table) => await new TableServiceClient(StorageConnectionString).DeleteTableAsync(table);

    /// <summary>Deletes a queue, if it exists.</summary>
    public static async Task DeleteQueueAsync(string connectionString, string queue)
    {
        var administration = new ServiceBusAdministrationClient(connectionString);
        if ((await administration.QueueExistsAsync(queue)).Value)
        {
            await administration.DeleteQueueAsync(queue);
        }
    }

    private static async Task<string?> ProbeStorageAsync()
    {
        var options = new TableClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(3), Mode = RetryMode.Fixed } };
        try
        {
            var service = new TableServiceClient(StorageConnectionString, options);
            await foreach (var _ in service.QueryAsync(maxPerPage: 1))
            {
                break;
            }

            var blobOptions = new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(3), Mode = RetryMode.Fixed } };
            await foreach (var _ in new BlobServiceClient(StorageConnectionString, blobOptions).GetBlobContainersAsync().AsPages(pageSizeHint: 1))
            {
                break;
            }

            var queueOptions = new QueueClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(3), Mode = RetryMode.Fixed } };
            await foreach (var _ in new QueueServiceClient(StorageConnectionString, queueOptions).GetQueuesAsync().AsPages(pageSizeHint: 1))
            {
                break;
            }

            return null;
        }
        catch (Exception e) when (e is RequestFailedException or TaskCanceledException or OperationCanceledException or FormatException or InvalidOperationException)
        {
            return e.Message.Split('\n')[0];
        }
    }
}
