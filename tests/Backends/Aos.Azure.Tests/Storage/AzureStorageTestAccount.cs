using Aos.Azure.Storage;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Azure.Cosmos;

namespace Aos.Azure.Tests.Storage;

/// <summary>Opens an <see cref="AzureStorageProvider"/> on the test storage account under a prefix no other test uses, and deletes everything made under it.</summary>
internal sealed class AzureStorageTestAccount
{
    /// <summary>Gets the prefix of this test's containers, tables, queues and databases.</summary>
    public string Prefix { get; } = "t" + Guid.NewGuid().ToString("N")[..9];

    /// <summary>Opens a provider on Azurite (or <c>AOS_TEST_AZURE_STORAGE</c>), skipping the test when the account does not answer.</summary>
    public async Task<AzureStorageProvider> OpenAsync(TimeProvider time, string? cosmosConnectionString = null)
    {
        await AzureTestServices.RequireStorageAsync();
        return new AzureStorageProvider(
            new AzureStorageOptions { ConnectionString = AzureTestServices.StorageConnectionString, CosmosConnectionString = cosmosConnectionString, Prefix = Prefix },
            time);
    }

    /// <summary>Deletes the containers, tables, queues and Cosmos DB databases whose names start with <see cref="Prefix"/>.</summary>
    public async Task DeleteAllAsync(CancellationToken cancellationToken)
    {
        var connectionString = AzureTestServices.StorageConnectionString;
        var blobs = new BlobServiceClient(connectionString);
        await foreach (var container in blobs.GetBlobContainersAsync(prefix: Prefix + "-", cancellationToken: cancellationToken))
        {
            await blobs.DeleteBlobContainerAsync(container.Name, cancellationToken: cancellationToken);
        }

        var queues = new QueueServiceClient(connectionString);
        await foreach (var queue in queues.GetQueuesAsync(prefix: Prefix + "-", cancellationToken: cancellationToken))
        {
            await queues.DeleteQueueAsync(queue.Name, cancellationToken);
        }

        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync(t => t.Name.CompareTo(Prefix) >= 0 && t.Name.CompareTo(Prefix + "{") < 0, cancellationToken: cancellationToken))
        {
            await tables.DeleteTableAsync(table.Name, cancellationToken);
        }

        if (AzureTestServices.CosmosConnectionString is { } cosmos)
        {
            using var client = new CosmosClient(cosmos);
            using var databases = client.GetDatabaseQueryIterator<DatabaseProperties>(new QueryDefinition("SELECT * FROM d WHERE STARTSWITH(d.id, @prefix)").WithParameter("@prefix", Prefix + "-"));
            while (databases.HasMoreResults)
            {
                foreach (var database in await databases.ReadNextAsync(cancellationToken))
                {
                    await client.GetDatabase(database.Id).DeleteAsync(cancellationToken: cancellationToken);
                }
            }
        }
    }
}
