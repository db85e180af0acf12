using System.Text.Json;
using Aos.Storage;
using Aos.SystemCalls;

namespace Aos.Kernel.Agents;

/// <summary>An agent's blob store whose writes and deletes are system calls; reads go straight to the store.</summary>
/// <remarks>A write to the agent's own store (<c>ownStore</c>, not a tenant's shared one) is recorded first (<see cref="AgentStoreIndex"/>), so that deleting the agent deletes the store.</remarks>
internal sealed class PipelinedBlobStore(IBlobStore inner, AgentRuntimeContext context, string resource, string? ownStore) : IBlobStore
{
    public ValueTask<BlobItem> PutAsync(string name, Stream content, BlobPutOptions? options = null, CancellationToken cancellationToken = default) =>
        Invoke(context.Call(SystemCallNames.StorageWrite, $"{resource}/{name}", null, null), (_, ct) => inner.PutAsync(name, content, options, ct), cancellationToken);

    public ValueTask<BlobDownload?> GetAsync(string name, CancellationToken cancellationToken = default) => inner.GetAsync(name, cancellationToken);

    public ValueTask<BlobItem?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default) => inner.GetPropertiesAsync(name, cancellationToken);

    public ValueTask<bool> DeleteAsync(string name, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        Invoke(context.Call(SystemCallNames.StorageDelete, $"{resource}/{name}", null, null), (_, ct) => inner.DeleteAsync(name, ifMatch, ct), cancellationToken);

    public IAsyncEnumerable<BlobItem> ListAsync(string? prefix = null, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    private ValueTask<T> Invoke<T>(SystemCall call, Func<SystemCall, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken) =>
        context.InvokeStoreAsync(call, StoreKind.Blob, ownStore, operation, cancellationToken);
}

/// <summary>An agent's table store whose writes and deletes are system calls; reads go straight to the store.</summary>
internal sealed class PipelinedTableStore(ITableStore inner, AgentRuntimeContext context, string resource, string? ownStore) : ITableStore
{
    public ValueTask<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default) => inner.GetAsync(partitionKey, rowKey, cancellationToken);

    public ValueTask<TableEntity> AddAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return Invoke(Write(entity), (_, ct) => inner.AddAsync(entity, ct), cancellationToken);
    }

    public ValueTask<TableEntity> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return Invoke(Write(entity), (_, ct) => inner.UpsertAsync(entity, ct), cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        Invoke(context.Call(SystemCallNames.StorageDelete, $"{resource}/{partitionKey}/{rowKey}", null, null), (_, ct) => inner.DeleteAsync(partitionKey, rowKey, ifMatch, ct), cancellationToken);

    public IAsyncEnumerable<TableEntity> QueryAsync(string partitionKey, IReadOnlyList<FieldCondition>? conditions = null, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(partitionKey, conditions, cancellationToken);

    private SystemCall Write(TableEntity entity) => context.Call(SystemCallNames.StorageWrite, $"{resource}/{entity.PartitionKey}/{entity.RowKey}", null, null);

    private ValueTask<T> Invoke<T>(SystemCall call, Func<SystemCall, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken) =>
        context.InvokeStoreAsync(call, StoreKind.Table, ownStore, operation, cancellationToken);
}

/// <summary>An agent's queue store whose enqueues, completions, requeues and deletions of dead letters are system calls; receiving and peeking go straight to the store.</summary>
internal sealed class PipelinedQueueStore(IQueueStore inner, AgentRuntimeContext context, string resource, string? ownStore) : IQueueStore
{
    public ValueTask<string> EnqueueAsync(string body, TimeSpan? delay = null, CancellationToken cancellationToken = default) =>
        Invoke(context.Call(SystemCallNames.StorageWrite, resource, null, null), (_, ct) => inner.EnqueueAsync(body, delay, ct), cancellationToken);

    public ValueTask<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default) =>
        inner.ReceiveAsync(maxMessages, visibilityTimeout, cancellationToken);

    public ValueTask CompleteAsync(QueueMessage message, CancellationToken cancellationToken = default) =>
        Invoke(context.Call(SystemCallNames.StorageDelete, resource, null, null), (_, ct) => inner.CompleteAsync(message, ct), cancellationToken);

    public ValueTask<IReadOnlyList<QueueMessage>> PeekAsync(int maxMessages, CancellationToken cancellationToken = default) => inner.PeekAsync(maxMessages, cancellationToken);

    public ValueTask<IReadOnlyList<QueueMessage>> PeekDeadLettersAsync(int maxMessages, CancellationToken cancellationToken = default) => inner.PeekDeadLettersAsync(maxMessages, cancellationToken);

    public ValueTask<IReadOnlyList<QueueMessage>> ReceiveDeadLettersAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default) =>
        inner.ReceiveDeadLettersAsync(maxMessages, visibilityTimeout, cancellationToken);

    public ValueTask<string> RequeueDeadLetterAsync(QueueMessage deadLetter, CancellationToken cancellationToken = default) =>
        Invoke(context.Call(SystemCallNames.StorageWrite, resource, null, null), (_, ct) => inner.RequeueDeadLetterAsync(deadLetter, ct), cancellationToken);

    public ValueTask DeleteDeadLetterAsync(QueueMessage deadLetter, CancellationToken cancellationToken = default) =>
        Invoke(context.Call(SystemCallNames.StorageDelete, resource, null, null), (_, ct) => inner.DeleteDeadLetterAsync(deadLetter, ct), cancellationToken);

    private ValueTask<T> Invoke<T>(SystemCall call, Func<SystemCall, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken) =>
        context.InvokeStoreAsync(call, StoreKind.Queue, ownStore, operation, cancellationToken);

    private ValueTask Invoke(SystemCall call, Func<SystemCall, CancellationToken, ValueTask> operation, CancellationToken cancellationToken) =>
        context.InvokeStoreAsync(call, StoreKind.Queue, ownStore, operation, cancellationToken);
}

/// <summary>An agent's document store whose writes and deletes are system calls (a written document is the call's payload, so policy can redact it); reads go straight to the store.</summary>
internal sealed class PipelinedDocumentStore(IDocumentStore inner, AgentRuntimeContext context, string resource, string? ownStore) : IDocumentStore
{
    public ValueTask<StoredDocument?> GetAsync(string collection, string partitionKey, string id, CancellationToken cancellationToken = default) =>
        inner.GetAsync(collection, partitionKey, id, cancellationToken);

    public ValueTask<StoredDocument> AddAsync(string collection, string partitionKey, string id, JsonElement document, CancellationToken cancellationToken = default) =>
        Invoke(Write(collection, partitionKey, id, document), (c, ct) => inner.AddAsync(collection, partitionKey, id, c.Payload ?? document, ct), cancellationToken);

    public ValueTask<StoredDocument> UpsertAsync(string collection, string partitionKey, string id, JsonElement document, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        Invoke(Write(collection, partitionKey, id, document), (c, ct) => inner.UpsertAsync(collection, partitionKey, id, c.Payload ?? document, ifMatch, ct), cancellationToken);

    public ValueTask<bool> DeleteAsync(string collection, string partitionKey, string id, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        Invoke(context.Call(SystemCallNames.StorageDelete, $"{resource}/{collection}/{partitionKey}/{id}", null, null), (_, ct) => inner.DeleteAsync(collection, partitionKey, id, ifMatch, ct), cancellationToken);

    public IAsyncEnumerable<StoredDocument> QueryAsync(string collection, string? partitionKey = null, IReadOnlyList<FieldCondition>? conditions = null, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(collection, partitionKey, conditions, cancellationToken);

    private SystemCall Write(string collection, string partitionKey, string id, JsonElement document)
    {
        var call = context.Call(SystemCallNames.StorageWrite, $"{resource}/{collection}/{partitionKey}/{id}", null, null);
        call.Payload = document;
        return call;
    }

    private ValueTask<T> Invoke<T>(SystemCall call, Func<SystemCall, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken) =>
        context.InvokeStoreAsync(call, StoreKind.Document, ownStore, operation, cancellationToken);
}
