using System.Globalization;
using System.Text.Json;
using Aos.Storage;
using Microsoft.Extensions.Logging;

namespace Aos.Reliability;

/// <summary>Claims a key, runs the first run and keeps its result.</summary>
public sealed partial class DocumentIdempotencyStore
{
    private async Task<(T Result, JsonElement Element)> RunFirstAsync<T>(string key, Func<CancellationToken, Task<T>> operation, JsonSerializerOptions serializerOptions, CancellationToken cancellationToken)
    {
        var store = Store;
        var partition = PartitionOf(key);
        var existing = await store.GetAsync(Collection, partition, key, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            if (Live(existing) is { } entry)
            {
                return (Deserialize<T>(entry.Result ?? throw InProgress(key, entry.ExpiresAt), serializerOptions), entry.Result.Value);
            }

            try
            {
                await store.DeleteAsync(Collection, partition, key, existing.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageConflictException)
            {
                // Another node replaced the expired entry first; the add below then sees its entry.
            }
        }

        StoredDocument claim;
        try
        {
            claim = await store.AddAsync(Collection, partition, key, Entry(key, null, _timeProvider.GetUtcNow() + _options.InProgressTimeout), cancellationToken).ConfigureAwait(false);
        }
        catch (StorageConflictException)
        {
            var other = await store.GetAsync(Collection, partition, key, cancellationToken).ConfigureAwait(false);
            if (other is not null && Live(other) is { Result: { } result })
            {
                return (Deserialize<T>(result, serializerOptions), result);
            }

            throw InProgress(key, other is not null && Live(other) is { } running ? running.ExpiresAt : _timeProvider.GetUtcNow() + TimeSpan.FromSeconds(1));
        }

        T value;
        try
        {
            value = await operation(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await ReleaseAsync(store, partition, key, claim.ETag).ConfigureAwait(false);
            throw;
        }

        var element = JsonSerializer.SerializeToElement(value, serializerOptions);
        try
        {
            await store.UpsertAsync(Collection, partition, key, Entry(key, element, _timeProvider.GetUtcNow() + _options.TimeToLive), claim.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageConflictException)
        {
            // The claim outlived InProgressTimeout and another run took the key: its result is kept, this one is still returned.
            LogClaimLost(_logger, key);
        }

        return (value, element);
    }

    private async Task ReleaseAsync(IDocumentStore store, string partition, string key, string etag)
    {
        try
        {
            await store.DeleteAsync(Collection, partition, key, etag, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StorageConflictException or AosException)
        {
            // The claim then blocks repeats until InProgressTimeout, never longer.
            LogReleaseFailed(_logger, key, e);
        }
    }

    private (JsonElement? Result, DateTimeOffset ExpiresAt)? Live(StoredDocument stored)
    {
        var document = stored.Document;
        if (!document.TryGetProperty("expiresAt", out var expires)
            || !DateTimeOffset.TryParse(expires.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiresAt)
            || expiresAt <= _timeProvider.GetUtcNow())
        {
            return null;
        }

        return (document.TryGetProperty("result", out var result) ? result : null, expiresAt);
    }

    private IdempotencyInProgressException InProgress(string key, DateTimeOffset until)
    {
        var wait = until - _timeProvider.GetUtcNow();
        var retryAfter = wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : wait;
        return new IdempotencyInProgressException(
            $"The operation with idempotency key {key} is already running on another node. Retry after {Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s to get its result.")
        { Key = key, RetryAfter = retryAfter };
    }

    private static JsonElement Entry(string key, JsonElement? result, DateTimeOffset expiresAt)
    {
        var document = new Dictionary<string, object?>
        {
            ["key"] = key,
            ["status"] = result is null ? "running" : "done",
            ["expiresAt"] = Text(expiresAt),
        };
        if (result is { } value)
        {
            document["result"] = value;
        }

        return JsonSerializer.SerializeToElement(document, IdempotencyJsonContext.Default.DictionaryStringObject);
    }

    [LoggerMessage(1, LogLevel.Warning, "The idempotency claim {Key} expired while its run was going; another run's result is kept.")]
    private static partial void LogClaimLost(ILogger logger, string key);

    [LoggerMessage(2, LogLevel.Warning, "The idempotency claim {Key} of a failed run could not be released; repeats are refused until it expires.")]
    private static partial void LogReleaseFailed(ILogger logger, string key, Exception exception);
}
