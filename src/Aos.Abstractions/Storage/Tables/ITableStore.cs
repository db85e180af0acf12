namespace Aos.Storage;

/// <summary>
/// Keeps entities addressed by partition key and row key, each a set of typed properties: one table of a storage backend.
/// </summary>
/// <remarks>
/// <para>
/// Every backend passes the same conformance kit. Each write gives the entity a new <see cref="TableEntity.ETag"/>; a write or delete
/// that names an ETag (optimistic concurrency) fails with <see cref="StorageConflictException"/> and changes nothing when the entity
/// changed or is gone. Property values are the types <see cref="TableEntity"/> lists, and come back with the type they were written with.
/// </para>
/// <para>Keys are validated by <see cref="StorageNames.ValidateKey"/>. Thread-safe.</para>
/// </remarks>
public interface ITableStore
{
    /// <summary>Reads one entity.</summary>
    /// <param name="partitionKey">The partition key.</param>
    /// <param name="rowKey">The row key.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The entity with its ETag; <see langword="null"/> when there is none.</returns>
    ValueTask<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>Adds an entity that must not exist yet.</summary>
    /// <param name="entity">The entity; its ETag is ignored.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The entity as stored, with its ETag.</returns>
    /// <exception cref="StorageConflictException">An entity with the same keys exists; nothing was changed.</exception>
    ValueTask<TableEntity> AddAsync(TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>Writes an entity, replacing all its properties: unconditionally, or, when <see cref="TableEntity.ETag"/> is set, only if the stored entity still has it.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The entity as stored, with its new ETag.</returns>
    /// <exception cref="StorageConflictException">The entity's ETag is set and the stored entity is missing or has another; nothing was changed.</exception>
    ValueTask<TableEntity> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>Deletes an entity.</summary>
    /// <param name="partitionKey">The partition key.</param>
    /// <param name="rowKey">The row key.</param>
    /// <param name="ifMatch">The ETag the entity must have; <see langword="null"/> to delete whatever is there.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when an entity was deleted; <see langword="false"/> when there was none (and no ETag was given).</returns>
    /// <exception cref="StorageConflictException"><paramref name="ifMatch"/> is given and the entity is missing or has another ETag.</exception>
    ValueTask<bool> DeleteAsync(string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the entities of one partition that meet every condition, in ordinal row-key order.</summary>
    /// <param name="partitionKey">The partition key.</param>
    /// <param name="conditions">Conditions on properties (or on <see cref="FieldCondition.RowKey"/>), all of which must hold; none for the whole partition.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The entities, fetched page by page as the caller enumerates.</returns>
    /// <remarks>A condition holds only for a property of the condition value's kind (text, number, boolean, time, GUID); a missing property or one of another kind does not match.</remarks>
    IAsyncEnumerable<TableEntity> QueryAsync(string partitionKey, IReadOnlyList<FieldCondition>? conditions = null, CancellationToken cancellationToken = default);
}
