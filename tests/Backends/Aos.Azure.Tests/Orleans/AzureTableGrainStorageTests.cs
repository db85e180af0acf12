using Aos.Conformance;
using Azure.Data.Tables;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;

namespace Aos.Azure.Tests.Orleans;

/// <summary>Runs the grain storage conformance kit on Orleans' Azure Table grain storage, as AOS configures it, on Azurite.</summary>
public sealed class AzureTableGrainStorageTests : GrainStorageConformanceTests
{
    private readonly AzureClusterStorage _azure = new();

    protected override async ValueTask<IGrainStorage> CreateStorageAsync() => (await _azure.StartAsync(Ct)).GrainStorage;

    protected override async ValueTask<IGrainStorage> RestartStorageAsync() => (await _azure.StartAsync(Ct)).GrainStorage;

    protected override async ValueTask CorruptStoredStateAsync(string stateName, GrainId grainId)
    {
        var client = new TableClient(AzureTestServices.StorageConnectionString, AzureTableStorageOptions.DEFAULT_TABLE_NAME);
        var rows = (await _azure.RowsAsync(AzureTableStorageOptions.DEFAULT_TABLE_NAME, Ct))
            .Where(r => r.PartitionKey.Contains(grainId.Key.ToString()!, StringComparison.Ordinal) && r.RowKey.Contains(stateName, StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            foreach (var data in row.Keys.Where(k => k.StartsWith("Data", StringComparison.Ordinal) || k.StartsWith("StringData", StringComparison.Ordinal)).ToList())
            {
                row[data] = row[data] is string ? "\u0001not state" : new byte[] { 0x00, 0xFF, 0xEE, 0x10, 0xDE, 0xAD, 0xBE, 0xEF };
            }

            await client.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);
        }
    }

    protected override ValueTask DisposeStorageAsync() => _azure.DisposeAsync();

    [Fact]
    public override Task WriteStateAsync_ETagWhenNothingStored_ThrowsInconsistentState()
    {
        Assert.Skip(
            "Orleans' AzureTableGrainStorage sends the grain's ETag as If-Match; an ETag not in Table Storage's format (the kit's '12345', never issued by "
            + "Table Storage) is rejected with 400 InvalidInput and surfaces as RequestFailedException, not InconsistentStateException. A stale ETag that "
            + "Table Storage issued does give InconsistentStateException (TableStorageUpdateConditionNotSatisfiedException), which the other tests check.");
        return Task.CompletedTask;
    }
}
