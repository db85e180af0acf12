using System.Globalization;
using System.Net;
using Aos.Reliability;
using Azure;
using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Cosmos;

namespace Aos.Azure.Resilience;

/// <summary>Classifies the failures of the Azure SDKs (Storage, Cosmos DB, Service Bus) for the reliability service's pipelines.</summary>
/// <remarks>
/// <para>
/// Transient: a request that got no answer (status 0: refused or dropped connection, DNS failure), 408, 429 and 5xx other than 501 and
/// 505, from Storage or Cosmos DB; Cosmos DB's 410 (a partition moved); a <see cref="ServiceBusException"/> the SDK marks transient.
/// Validation: 400. Permanent: every other status (401, 403, 404, 409 conflict, 412 condition failed, …), another Service Bus error,
/// and an attempt that cannot be repeated (an upload whose stream was read and cannot be rewound). The stores turn 404, 409 and 412
/// into their own results or <see cref="Aos.Storage.StorageConflictException"/> inside the attempt, so those are never retried either way.
/// </para>
/// <para>Thread-safe; does no I/O. Registered by <c>AddAosAzureStorage</c> and <c>AddAosServiceBusTransport</c>.</para>
/// </remarks>
public sealed class AzureErrorClassifier : IErrorClassifier
{
    /// <summary>Gets the shared instance.</summary>
    public static AzureErrorClassifier Instance { get; } = new();

    /// <inheritdoc />
    public ErrorClass? Classify(Exception exception, string dependency)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            RequestFailedException failed => Status(failed.Status),
            CosmosException { StatusCode: HttpStatusCode.Gone } => ErrorClass.Transient,
            CosmosException cosmos => Status((int)cosmos.StatusCode),
            ServiceBusException serviceBus => serviceBus.IsTransient ? ErrorClass.Transient : ErrorClass.Permanent,
            AttemptNotRepeatableException => ErrorClass.Permanent,
            AggregateException { InnerExceptions.Count: > 0 } aggregate => Worst(aggregate, dependency),
            _ => null,
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// Cosmos DB's <see cref="CosmosException.RetryAfter"/> (its 429s carry one); for Storage, the response's <c>x-ms-retry-after-ms</c>,
    /// <c>retry-after-ms</c> or <c>Retry-After</c> (seconds or an HTTP date) header; the longest of an <see cref="AggregateException"/>'s.
    /// </remarks>
    public TimeSpan? GetRetryAfter(Exception exception, string dependency)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            CosmosException { RetryAfter: { } wait } when wait > TimeSpan.Zero => wait,
            RequestFailedException failed when failed.GetRawResponse() is { } response => RetryAfterHeader(response),
            AggregateException aggregate => aggregate.InnerExceptions.Select(e => GetRetryAfter(e, dependency)).Max(),
            _ => null,
        };
    }

    /// <summary>Classifies an HTTP status of Azure Storage or Cosmos DB.</summary>
    /// <param name="status">The status; 0 when no response came.</param>
    /// <returns>The class.</returns>
    public static ErrorClass Status(int status) => status switch
    {
        0 or (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests => ErrorClass.Transient,
        (int)HttpStatusCode.NotImplemented or (int)HttpStatusCode.HttpVersionNotSupported => ErrorClass.Permanent,
        >= 500 => ErrorClass.Transient,
        (int)HttpStatusCode.BadRequest => ErrorClass.Validation,
        _ => ErrorClass.Permanent,
    };

    // A header's wait is read up to a day: more than any retry waits (the pipeline caps it at MaxDelay), and no overflow on nonsense.
    private static readonly TimeSpan MaxNamedWait = TimeSpan.FromDays(1);

    private static TimeSpan? RetryAfterHeader(Response response)
    {
        foreach (var name in (ReadOnlySpan<string>)["x-ms-retry-after-ms", "retry-after-ms"])
        {
            if (response.Headers.TryGetValue(name, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms)
                && double.IsFinite(ms) && ms >= 0)
            {
                return TimeSpan.FromMilliseconds(Math.Min(ms, MaxNamedWait.TotalMilliseconds));
            }
        }

        if (!response.Headers.TryGetValue("Retry-After", out var value))
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, MaxNamedWait.TotalSeconds));
        }

        return response.Headers.Date is { } now && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at > now ? (at - now < MaxNamedWait ? at - now : MaxNamedWait) : TimeSpan.Zero
            : null;
    }

    // The SDKs gather the failures of their own retries in an AggregateException: transient only when every one of them was.
    private ErrorClass? Worst(AggregateException aggregate, string dependency)
    {
        var classes = aggregate.InnerExceptions.Select(e => Classify(e, dependency) ?? DefaultErrorClassifier.Instance.Classify(e, dependency)).ToList();
        return classes.All(c => c == ErrorClass.Transient) ? ErrorClass.Transient
            : classes.Contains(ErrorClass.Validation) ? ErrorClass.Validation
            : ErrorClass.Permanent;
    }
}
