using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Aos.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Aos.Reliability;

/// <summary>Keeps idempotency entries in the document store <see cref="ReliabilityStores.Documents"/>, on whatever backend configuration assigns it.</summary>
/// <remarks>
/// <para>
/// An entry is claimed with a conditional add before the operation runs (so two nodes cannot both run it), holds the claim for
/// <see cref="IdempotencyOptions.InProgressTimeout"/>, and is replaced by the result, kept for <see cref="IdempotencyOptions.TimeToLive"/>
/// from completion. A failed run deletes its claim. An expired entry counts as absent and is deleted by <see cref="SweepAsync"/>.
/// Repeats on the same node wait for the running first run instead of being refused. Times come from the injected <see cref="TimeProvider"/>.
/// </para>
/// </remarks>
public sealed partial class DocumentIdempotencyStore : IIdempotencyStore
{
    internal const string Collection = "idempotency";

    private readonly ConcurrentDictionary<string, Task<JsonElement>> _running = new(StringComparer.Ordinal);
    private readonly StorageCatalog _catalog;
    private readonly IdempotencyOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="DocumentIdempotencyStore"/> class.</summary>
    /// <param name="catalog">The named stores.</param>
    /// <param name="options">The reliability options; their <see cref="ReliabilityOptions.Idempotency"/> are read once.</param>
    /// <param name="timeProvider">The clock of expiry.</param>
    /// <param name="logger">The logger of claims that could not be released; <see langword="null"/> for none.</param>
    public DocumentIdempotencyStore(StorageCatalog catalog, IOptions<ReliabilityOptions> options, TimeProvider timeProvider, ILogger<DocumentIdempotencyStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _catalog = catalog;
        _options = options.Value.Idempotency;
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    private IDocumentStore Store => _catalog.GetDocumentStore(ReliabilityStores.Documents);

    /// <inheritdoc />
    public async Task<T> ExecuteOnceAsync<T>(string messageId, string businessKey, Func<CancellationToken, Task<T>> operation, JsonSerializerOptions? serializerOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var key = IdempotencyKey.Compute(messageId, businessKey);
        serializerOptions ??= JsonSerializerOptions.Web;
        while (true)
        {
            var mine = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
            var running = _running.GetOrAdd(key, mine.Task);
            if (running != mine.Task)
            {
                try
                {
                    return Deserialize<T>(await running.WaitAsync(cancellationToken).ConfigureAwait(false), serializerOptions);
                }
                catch (Exception) when (running.IsFaulted || running.IsCanceled)
                {
                    // The first run failed and kept nothing: this repeat runs again.
                    continue;
                }
            }

            try
            {
                var (result, element) = await RunFirstAsync(key, operation, serializerOptions, cancellationToken).ConfigureAwait(false);
                mine.SetResult(element);
                return result;
            }
            catch (Exception e)
            {
                mine.SetException(e);
                _ = mine.Task.Exception;
                throw;
            }
            finally
            {
                _running.TryRemove(new KeyValuePair<string, Task<JsonElement>>(key, mine.Task));
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = Text(_timeProvider.GetUtcNow());
        var expired = new List<StoredDocument>();
        await foreach (var stored in Store.QueryAsync(Collection, conditions: [FieldCondition.AtMost("expiresAt", now)], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            expired.Add(stored);
        }

        var deleted = 0;
        foreach (var stored in expired)
        {
            try
            {
                if (await Store.DeleteAsync(Collection, stored.PartitionKey, stored.Id, stored.ETag, cancellationToken).ConfigureAwait(false))
                {
                    deleted++;
                }
            }
            catch (StorageConflictException)
            {
                // Claimed again since it was read: no longer expired.
            }
        }

        return deleted;
    }

    private static T Deserialize<T>(JsonElement element, JsonSerializerOptions options) => element.Deserialize<T>(options)!;

    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string PartitionOf(string key) => key[..2];
}
