using System.Runtime.CompilerServices;
using Aos.Azure.Storage;
using Aos.Reliability;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Aos.Azure.Resilience;

/// <summary>Runs the calls of one Azure service through its dependency's resilience pipeline, and turns what is left of an unreachable service into <see cref="Aos.Storage.StorageUnavailableException"/>.</summary>
/// <remarks>
/// Each attempt is one SDK call (or a creation that is idempotent followed by one SDK call), so a retry repeats nothing that already took
/// effect except that call; the stores handle the cases where a call's first attempt may have taken effect unseen (see their remarks).
/// The SDKs' own retries are off, so this pipeline is the one retry policy. Thread-safe.
/// </remarks>
internal sealed class AzureDependency
{
    /// <summary>Gets the dependency name of Azure Storage: blobs, tables and queues of one account, sharing one circuit.</summary>
    public const string Storage = "storage:azure";

    /// <summary>Gets the dependency name of Azure Cosmos DB.</summary>
    public const string Cosmos = "storage:cosmos";

    /// <summary>Gets the dependency name of Azure Service Bus.</summary>
    public const string ServiceBus = "transport:servicebus";

    private readonly DependencyPipelines _pipelines;
    private readonly ResiliencePipeline _pipeline;

    public AzureDependency(string name, DependencyPipelines pipelines)
    {
        Name = name;
        _pipelines = pipelines;
        _pipeline = pipelines.GetPipeline(name);
    }

    /// <summary>Gets the dependency's name.</summary>
    public string Name { get; }

    /// <summary>Runs a call through the pipeline: transient failures are retried, the circuit breaker counts them.</summary>
    /// <param name="service">The service, for messages (<c>Blob Storage</c>).</param>
    /// <param name="endpoint">The service's endpoint, for messages; only its path is shown.</param>
    /// <param name="attempt">One SDK call; it may run several times.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The call's result.</returns>
    /// <exception cref="Aos.Storage.StorageUnavailableException">The service could not be reached after the retries, or its circuit is open.</exception>
    public async ValueTask<T> RunAsync<T>(string service, Uri endpoint, Func<CancellationToken, ValueTask<T>> attempt, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(static (call, token) => call(token), attempt, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException e)
        {
            throw AzureFaults.CircuitOpen(service, endpoint, Name, _pipelines.CircuitOpen(Name, e));
        }
        catch (TimeoutRejectedException e)
        {
            throw AzureFaults.Unavailable(service, endpoint, Name, e);
        }
        catch (AttemptNotRepeatableException e)
        {
            throw AzureFaults.Unavailable(service, endpoint, Name, e.InnerException ?? e);
        }
        catch (Exception e) when (AzureFaults.IsUnavailable(e, cancellationToken))
        {
            throw AzureFaults.Unavailable(service, endpoint, Name, e);
        }
    }

    /// <summary>Reads a paged sequence page by page, each page one call through the pipeline from the previous page's continuation.</summary>
    /// <param name="service">The service, for messages.</param>
    /// <param name="endpoint">The service's endpoint, for messages.</param>
    /// <param name="page">Reads the page after a continuation (<see langword="null"/> for the first) and returns its items and the next continuation (null or empty at the end).</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The items.</returns>
    public async IAsyncEnumerable<T> PagesAsync<T>(
        string service,
        Uri endpoint,
        Func<string?, CancellationToken, ValueTask<(IReadOnlyList<T> Items, string? Next)>> page,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? continuation = null;
        do
        {
            var from = continuation;
            var (items, next) = await RunAsync(service, endpoint, ct => page(from, ct), cancellationToken).ConfigureAwait(false);
            foreach (var item in items)
            {
                yield return item;
            }

            continuation = string.IsNullOrEmpty(next) ? null : next;
        }
        while (continuation is not null);
    }

    /// <summary>Reads the one page of an Azure SDK pageable that starts at a continuation.</summary>
    /// <param name="pageable">The pageable, fresh for this attempt.</param>
    /// <param name="continuation">The continuation; <see langword="null"/> for the first page.</param>
    /// <returns>The page's items and the next continuation.</returns>
    public static async ValueTask<(IReadOnlyList<T> Items, string? Next)> PageAsync<T>(global::Azure.AsyncPageable<T> pageable, string? continuation)
        where T : notnull
    {
        await foreach (var page in pageable.AsPages(continuation).ConfigureAwait(false))
        {
            return (page.Values, page.ContinuationToken);
        }

        return ([], null);
    }
}
