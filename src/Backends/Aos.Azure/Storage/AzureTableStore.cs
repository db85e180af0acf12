using System.Net;
using System.Runtime.CompilerServices;
using Aos.Storage;
using Azure;
using Azure.Data.Tables;
using AzureTableEntity = Azure.Data.Tables.TableEntity;
using TableEntity = Aos.Storage.TableEntity;

namespace Aos.Azure.Storage;

/// <summary>Keeps a table store in one Azure Table Storage table, created on first use.</summary>
/// <remarks>
/// Property types map to the service's own (Edm.String, Boolean, Int32, Int64, Double, DateTime, Guid, Binary), so an entity written here is
/// an ordinary table entity. ETags are the service's. Thread-safe.
/// </remarks>
internal sealed partial class AzureTableStore : ITableStore, IDisposable
{
    private const string Service = "Table Storage";

    private readonly TableClient _table;
    private readonly CreateOnce _created;

    public AzureTableStore(TableClient table)
    {
        _table = table;
        _created = new(async ct => await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false));
    }

    /// <summary>Gets the table's name.</summary>
    public string TableName => _table.Name;

    public ValueTask<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageNames.ValidateKey(rowKey, "rowKey");
        return RunAsync(async ct =>
        {
            var response = await _table.GetEntityIfExistsAsync<AzureTableEntity>(partitionKey, rowKey, cancellationToken: ct).ConfigureAwait(false);
            return response.HasValue ? FromAzure(response.Value!) : null;
        }, cancellationToken);
    }

    public ValueTask<TableEntity> AddAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateEntity(entity);
        return RunAsync(async ct =>
        {
            try
            {
                var response = await _table.AddEntityAsync(ToAzure(entity), ct).ConfigureAwait(false);
                return Written(entity, response);
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.Conflict)
            {
                throw StorageConflictException.Exists(Describe(entity.PartitionKey, entity.RowKey));
            }
        }, cancellationToken);
    }

    public ValueTask<TableEntity> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateEntity(entity);
        return RunAsync(async ct =>
        {
            if (entity.ETag is not { } ifMatch)
            {
                return Written(entity, await _table.UpsertEntityAsync(ToAzure(entity), TableUpdateMode.Replace, ct).ConfigureAwait(false));
            }

            try
            {
                return Written(entity, await _table.UpdateEntityAsync(ToAzure(entity), new ETag(ifMatch), TableUpdateMode.Replace, ct).ConfigureAwait(false));
            }
            catch (RequestFailedException e) when (IsMismatch(e))
            {
                throw StorageConflictException.Changed(Describe(entity.PartitionKey, entity.RowKey), ifMatch);
            }
        }, cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageNames.ValidateKey(rowKey, "rowKey");
        return RunAsync(async ct =>
        {
            try
            {
                // The SDK reports a missing entity as a 404 response rather than an exception.
                var response = await _table.DeleteEntityAsync(partitionKey, rowKey, ifMatch is null ? ETag.All : new ETag(ifMatch), ct).ConfigureAwait(false);
                if (response.Status != (int)HttpStatusCode.NotFound)
                {
                    return true;
                }

                return ifMatch is null ? false : throw StorageConflictException.Changed(Describe(partitionKey, rowKey), ifMatch);
            }
            catch (RequestFailedException e) when (ifMatch is not null && IsMismatch(e))
            {
                throw StorageConflictException.Changed(Describe(partitionKey, rowKey), ifMatch);
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
            {
                return false;
            }
        }, cancellationToken);
    }

    public IAsyncEnumerable<TableEntity> QueryAsync(string partitionKey, IReadOnlyList<FieldCondition>? conditions = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageValues.ValidateConditions(conditions, documents: false);
        var all = conditions?.ToArray() ?? [];
        return AzureFaults.GuardAsync(Service, _table.Uri, QueryCoreAsync(partitionKey, all, cancellationToken), cancellationToken);
    }

    public void Dispose() => _created.Dispose();

    private async IAsyncEnumerable<TableEntity> QueryCoreAsync(string partitionKey, FieldCondition[] conditions, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);

        // The service returns a partition in row-key order, page by page.
        var filter = ServerFilter(partitionKey, conditions);
        await foreach (var found in _table.QueryAsync<AzureTableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var entity = FromAzure(found);
            if (conditions.All(c => Matches(entity, c)))
            {
                yield return entity;
            }
        }
    }

    private ValueTask<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        AzureFaults.RunAsync(Service, _table.Uri, async ct =>
        {
            await _created.EnsureAsync(ct).ConfigureAwait(false);
            return await operation(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Gets whether a conditional write failed because the entity is missing or has another ETag.</summary>
    /// <remarks>An ETag that is not in the service's form (<c>W/"datetime'…'"</c>) is refused as bad input (400); it is no entity's ETag, so that is a mismatch too (every other input was validated).</remarks>
    private static bool IsMismatch(RequestFailedException e) =>
        e.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound or (int)HttpStatusCode.BadRequest;

    private static string Describe(string partitionKey, string rowKey) => $"entity '{partitionKey}'/'{rowKey}'";
}
