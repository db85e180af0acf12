using Aos.Azure.Resilience;
using Aos.Reliability;
using Aos.Storage;
using Azure;
using Microsoft.Azure.Cosmos;

namespace Aos.Azure.Storage;

/// <summary>Recognizes the failures that mean an Azure service could not be reached or did not answer, and turns them into <see cref="StorageUnavailableException"/>.</summary>
/// <remarks>The dependency's pipeline retries such failures first (see <see cref="AzureDependency"/>); what reaches here is final.</remarks>
internal static class AzureFaults
{
    /// <summary>Gets the backend name put in <see cref="StorageUnavailableException.Backend"/>.</summary>
    public const string Backend = "azure";

    /// <summary>Gets whether an exception means the service is unreachable or failing, rather than a refused request or the caller's cancellation.</summary>
    public static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        // The SDKs throw a cancellation of their own when an attempt exceeds its network timeout.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        AosException => false,
        _ => (AzureErrorClassifier.Instance.Classify(exception, AzureDependency.Storage) ?? DefaultErrorClassifier.Instance.Classify(exception, AzureDependency.Storage))
            == ErrorClass.Transient,
    };

    /// <summary>Creates the exception for a service that could not be reached, naming its endpoint (without any key or SAS token) and its dependency.</summary>
    public static StorageUnavailableException Unavailable(string service, Uri endpoint, string dependency, Exception cause) =>
        new($"Azure {service} at {endpoint.GetLeftPart(UriPartial.Path)} could not be reached or did not answer after retries ({Reason(cause)}; dependency {dependency}). "
            + $"Check that the account is reachable from this host and that {AzureStorageOptions.SectionName} names the right account; retries are set at "
            + $"{ReliabilityOptions.SectionName}:Dependencies:{dependency}. The operation may be retried.", cause)
        {
            Backend = Backend,
        };

    /// <summary>Creates the exception for a call refused because the dependency's circuit is open.</summary>
    public static StorageUnavailableException CircuitOpen(string service, Uri endpoint, string dependency, DependencyUnavailableException refusal) =>
        new($"Azure {service} at {endpoint.GetLeftPart(UriPartial.Path)} is not being called for now: the circuit breaker of {dependency} opened after repeated transient failures. "
            + $"Check that the account is reachable from this host and that {AzureStorageOptions.SectionName} names the right account. Nothing was changed by the refused operation; "
            + $"retry after {Math.Ceiling(refusal.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)} s.", refusal)
        {
            Backend = Backend,
        };

    private static string Reason(Exception cause) => cause switch
    {
        RequestFailedException { Status: 0 } e => e.InnerException?.Message ?? "no response",
        RequestFailedException e => $"HTTP {e.Status}{(e.ErrorCode is { } code ? " " + code : string.Empty)}",
        CosmosException e => $"HTTP {(int)e.StatusCode}",
        AggregateException e => Reason(e.InnerExceptions[^1]),
        OperationCanceledException or Polly.Timeout.TimeoutRejectedException => "timed out",
        _ => cause.Message,
    };
}
