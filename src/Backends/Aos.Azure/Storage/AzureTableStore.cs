using System.Net;
using Aos.Azure.Resilience;
using Aos.Storage;
using Azure;
using Azure.Data.Tables;
using AzureTableEntity = Azure.Data.Tables.TableEntity;
using TableEntity = Aos.Storage.TableEntity;

namespace Aos.Azure.Storage;

/// <summary>Keeps a table store in one Azure Table Storage table, created on the first write; a read of a missing table finds nothing and creates nothing.</summary>
/// <remarks>
/// Property types map to the service's own (Edm.String, Boolean, Int32, Int64, Double, DateTime, Guid, Binary), so an entity written here is
/// an ordinary table entity. ETags are the service's. Thread-safe.
/// <para>
/// Every call runs through the <c>storage:azure</c> pipeline, one SDK call per attempt (a query, one page per attempt). A call's first
/// attempt may take effect without its answer arriving; its retry then sees its own write. So a retried add that finds the entity, or a
/// retried conditional update whose ETag no longer matches, reads the entity: when it holds exactly this call's properties the write is
/// reported done with the entity's ETag; otherwise it is the conflict it seems. A retried delete that finds the entity gone counts as done.
/// </para>
/// </remarks>
internal sealed partial class AzureTableStore : ITableStore, IDisposable
{
    private const string Service = "Table Storage";

    private readonly TableClient _table;
    private readonly AzureDependency _calls;
    private readonly CreateOnce _created;

    public AzureTableStore(TableClient table, AzureDependency calls)
    {
        _table = table;
        _calls = calls;
        _created = new(async ct => await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false));
    }

    /// <summary>Gets the table's name.</summary>
    public string TableName => _table.Name;

    public ValueTask<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageNames.ValidateKey(rowKey, "rowKey");
        return ReadAsync(async ct =>
        {
            try
            {
                var response = await _table.GetEntityIfExistsAsync<AzureTableEntity>(partitionKey, rowKey, cancellationToken: ct).ConfigureAwait(false);
                return response.HasValue ? FromAzure(response.Value!) : null;
            }
            catch (RequestFailedException e) when (IsTableMissing(e))
            {
                return null;
            }
        }, cancellationToken);
    }

    public ValueTask<TableEntity> AddAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateEntity(entity);
        var tries = 0;
        return RunAsync(async ct =>
        {
            var retried = tries++ > 0;
            try
            {
                var response = await _table.AddEntityAsync(ToAzure(entity), ct).ConfigureAwait(false);
                return Written(entity, response);
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.Conflict)
            {
                return retried && await OwnWriteAsync(entity, ct).ConfigureAwait(false) is { } own
                    ? own
                    : throw StorageConflictException.Exists(Describe(entity.PartitionKey, entity.RowKey));
            }
        }, cancellationToken);
    }

    public ValueTask<TableEntity> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        StorageValues.ValidateEntity(entity);
        var tries = 0;
        return RunAsync(async ct =>
        {
            var retried = tries++ > 0;
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
                return retried && e.Status == (int)HttpStatusCode.PreconditionFailed && await OwnWriteAsync(entity, ct).ConfigureAwait(false) is { } own
                    ? own
                    : throw StorageConflictException.Changed(Describe(entity.PartitionKey, entity.RowKey), ifMatch);
            }
        }, cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateKey(partitionKey, "partitionKey");
        StorageNames.ValidateKey(rowKey, "rowKey");
        var tries = 0;
        return ReadAsync(async ct =>
        {
            var retried = tries++ > 0;
            try
            {
                // The SDK reports a missing entity as a 404 response rather than an exception.
                var response = await _table.DeleteEntityAsync(partitionKey, rowKey, ifMatch is null ? ETag.All : new ETag(ifMatch), ct).ConfigureAwait(false);
                if (response.Status != (int)HttpStatusCode.NotFound || retried)
                {
                    // A retry that finds the entity gone follows an attempt that deleted it unseen.
                    return true;
                }

                return ifMatch is null ? false : throw StorageConflictException.Changed(Describe(partitionKey, rowKey), ifMatch);
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound && retried)
            {
                return true;
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
        var filter = ServerFilter(partitionKey, all);

        // The service returns a partition in row-key order, page by page.
        return _calls.PagesAsync<TableEntity>(Service, _table.Uri, async (continuation, ct) =>
        {
            try
            {
                var (found, next) = await AzureDependency.PageAsync(_table.QueryAsync<AzureTableEntity>(filter, cancellationToken: ct), continuation).ConfigureAwait(false);
                return ([.. found.Select(FromAzure).Where(entity => all.All(c => Matches(entity, c)))], next);
            }
            catch (RequestFailedException e) when (IsTableMissing(e))
            {
                return ([], null);
            }
        }, cancellationToken);
    }

    /// <summary>Deletes the table with every entity in it; the next write creates it again.</summary>
    public async ValueTask DeleteTableAsync(CancellationToken cancellationToken)
    {
        await _calls.RunAsync(Service, _table.Uri, async ct =>
        {
            try
            {
                await _table.DeleteAsync(ct).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Deleted already.
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
        _created.Reset();
    }

    public void Dispose() => _created.Dispose();

    private ValueTask<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        _calls.RunAsync(Service, _table.Uri, async ct =>
        {
            await _created.EnsureAsync(ct).ConfigureAwait(false);
            return await operation(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Runs an operation that only reads or removes, without creating the table: a missing table holds no entity (404).</summary>
    private ValueTask<T> ReadAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        _calls.RunAsync(Service, _table.Uri, async ct => await operation(ct).ConfigureAwait(false), cancellationToken);

    private static bool IsTableMissing(RequestFailedException e) => e.Status == (int)HttpStatusCode.NotFound && e.ErrorCode == "TableNotFound";

    /// <summary>Reads an entity after a retried write was refused, and returns it when it holds exactly the write's properties: the write's own first attempt made it.</summary>
    private async Task<TableEntity?> OwnWriteAsync(TableEntity written, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<AzureTableEntity>(written.PartitionKey, written.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue && FromAzure(response.Value!) is var current && SameProperties(current, written) ? current : null;
    }

    /// <summary>Gets whether a conditional write failed because the entity is missing or has another ETag.</summary>
    /// <remarks>An ETag that is not in the service's form (<c>W/"datetime'…'"</c>) is refused as bad input (400); it is no entity's ETag, so that is a mismatch too (every other input was validated).</remarks>
    private static bool IsMismatch(RequestFailedException e) =>
        e.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound or (int)HttpStatusCode.BadRequest;

    private static string Describe(string partitionKey, string rowKey) => $"entity '{partitionKey}'/'{rowKey}'";
}
