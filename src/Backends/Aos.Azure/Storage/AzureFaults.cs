using System.Net;
using System.Runtime.CompilerServices;
using Aos.Storage;
using Azure;
using Microsoft.Azure.Cosmos;

namespace Aos.Azure.Storage;

/// <summary>Recognizes the failures that mean an Azure service could not be reached or did not answer, and turns them into <see cref="StorageUnavailableException"/>.</summary>
/// <remarks>The SDKs retry such failures first (a bounded number of times, see <see cref="AzureStorageProvider"/>); what reaches here is final.</remarks>
internal static class AzureFaults
{
    /// <summary>Gets the backend name put in <see cref="StorageUnavailableException.Backend"/>.</summary>
    public const string Backend = "azure";

    /// <summary>Gets whether an exception means the service is unreachable or failing, rather than a refused request or the caller's cancellation.</summary>
    public static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RequestFailedException { Status: 0 or (int)HttpStatusCode.RequestTimeout or >= 500 } => true,
        CosmosException { StatusCode: HttpStatusCode.RequestTimeout or HttpStatusCode.ServiceUnavailable or >= HttpStatusCode.InternalServerError } => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(e => IsUnavailable(e, cancellationToken)),
        HttpRequestException => true,
        // The SDKs throw a cancellation of their own when an attempt exceeds its network timeout.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>Creates the exception for a service that could not be reached, naming its endpoint (without any key or SAS token).</summary>
    public static StorageUnavailableException Unavailable(string service, Uri endpoint, Exception cause) =>
        new($"Azure {service} at {endpoint.GetLeftPart(UriPartial.Path)} could not be reached or did not answer after retries ({Reason(cause)}). "
            + $"Check that the account is reachable from this host and that {AzureStorageOptions.SectionName} names the right account; the operation changed nothing and may be retried.", cause)
        {
            Backend = Backend,
        };

    /// <summary>Runs an operation, turning an unavailable service into <see cref="StorageUnavailableException"/>.</summary>
    public static async ValueTask<T> RunAsync<T>(string service, Uri endpoint, Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e, cancellationToken))
        {
            throw Unavailable(service, endpoint, e);
        }
    }

    /// <summary>Enumerates a sequence read from a service, turning an unavailable service into <see cref="StorageUnavailableException"/>.</summary>
    public static async IAsyncEnumerable<T> GuardAsync<T>(string service, Uri endpoint, IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var items = source.GetAsyncEnumerator(cancellationToken);
        await using (items.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await items.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (IsUnavailable(e, cancellationToken))
                {
                    throw Unavailable(service, endpoint, e);
                }

                if (!more)
                {
                    yield break;
                }

                yield return items.Current;
            }
        }
    }

    private static string Reason(Exception cause) => cause switch
    {
        RequestFailedException { Status: 0 } e => e.InnerException?.Message ?? "no response",
        RequestFailedException e => $"HTTP {e.Status}{(e.ErrorCode is { } code ? " " + code : string.Empty)}",
        CosmosException e => $"HTTP {(int)e.StatusCode}",
        AggregateException e => Reason(e.InnerExceptions[^1]),
        OperationCanceledException => "timed out",
        _ => cause.Message,
    };
}
