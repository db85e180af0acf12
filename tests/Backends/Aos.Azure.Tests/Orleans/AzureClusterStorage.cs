using Aos.Conformance;
using Aos.Hosting;
using Azure.Data.Tables;
using Orleans.Configuration;
using Orleans.Reminders.AzureStorage;

namespace Aos.Azure.Tests.Orleans;

/// <summary>Starts Orleans' Azure Table providers as <c>Aos:Cluster:Storage=azure</c> configures them, under a service id of the test's own.</summary>
/// <remarks>The providers use their default tables; every row a test writes is in partitions that start with its service id, deleted at the end.</remarks>
internal sealed class AzureClusterStorage : IAsyncDisposable
{
    private ClusterStorageHost? _host;

    public string ServiceId { get; } = "aostest" + Guid.NewGuid().ToString("N");

    public async Task<ClusterStorageHost> StartAsync(CancellationToken cancellationToken)
    {
        await AzureTestServices.RequireStorageAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _host = await ClusterStorageHost.StartAsync(
            new Dictionary<string, string?>
            {
                [AosClusterStorage.StorageKey] = "azure",
                [AosClusterStorage.AzureConnectionStringKey] = AzureTestServices.StorageConnectionString,
            },
            ServiceId,
            cancellationToken);
        return _host;
    }

    /// <summary>Gets the rows the providers wrote for this service id in a table.</summary>
    public async Task<List<TableEntity>> RowsAsync(string table, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        var client = new TableClient(AzureTestServices.StorageConnectionString, table);
        await foreach (var row in client.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            if (row.PartitionKey.StartsWith(ServiceId, StringComparison.Ordinal))
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is null)
        {
            return;
        }

        await _host.DisposeAsync();
        foreach (var table in new[] { AzureTableStorageOptions.DEFAULT_TABLE_NAME, AzureTableReminderStorageOptions.DEFAULT_TABLE_NAME })
        {
            var client = new TableClient(AzureTestServices.StorageConnectionString, table);
            foreach (var row in await RowsAsync(table, CancellationToken.None))
            {
                await client.DeleteEntityAsync(row.PartitionKey, row.RowKey);
            }
        }
    }
}
