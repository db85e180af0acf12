using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Aos.Storage;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Aos.Reliability;

/// <summary>Classifies the errors every dependency shares: timeouts, network faults, HTTP status codes, transient database errors, AOS errors.</summary>
/// <remarks>
/// Transient: timeouts, <see cref="StorageUnavailableException"/>, <see cref="HttpRequestException"/> without a status or with 408, 429 or
/// 5xx, <see cref="SocketException"/>, <see cref="IOException"/>, a <see cref="DbException"/> that says it is transient (Npgsql's
/// <c>IsTransient</c>) and SQLite's busy and locked errors. Validation: <see cref="AosValidationException"/>, <see cref="ArgumentException"/>,
/// <see cref="FormatException"/>, <see cref="JsonException"/>, HTTP 400 and 422. Permanent: every other <see cref="AosException"/>
/// (including <see cref="StorageConflictException"/>), an open circuit, cancellation, other HTTP statuses. Anything else is not known here.
/// </remarks>
public sealed class DefaultErrorClassifier : IErrorClassifier
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>Gets the shared instance.</summary>
    public static DefaultErrorClassifier Instance { get; } = new();

    /// <inheritdoc />
    public ErrorClass? Classify(Exception exception, string dependency)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            TimeoutRejectedException or TimeoutException => ErrorClass.Transient,
            BrokenCircuitException => ErrorClass.Permanent,
            StorageUnavailableException => ErrorClass.Transient,
            AosValidationException => ErrorClass.Validation,
            AosException => ErrorClass.Permanent,
            HttpRequestException http => Http(http.StatusCode),
            SocketException or IOException => ErrorClass.Transient,
            DbException { IsTransient: true } => ErrorClass.Transient,
            DbException db when SqliteErrorCode(db) is SqliteBusy or SqliteLocked => ErrorClass.Transient,
            OperationCanceledException { InnerException: TimeoutException } => ErrorClass.Transient,
            OperationCanceledException => ErrorClass.Permanent,
            ArgumentException or FormatException or JsonException => ErrorClass.Validation,
            _ => null,
        };
    }

    private static ErrorClass Http(HttpStatusCode? status) => status switch
    {
        null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => ErrorClass.Transient,
        >= HttpStatusCode.InternalServerError => ErrorClass.Transient,
        HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => ErrorClass.Validation,
        _ => ErrorClass.Permanent,
    };

    // Microsoft.Data.Sqlite is not referenced here: its exception is recognised by name, and its SqliteErrorCode read by reflection
    // (DbException.ErrorCode is the HRESULT, not SQLite's result code).
    private static int? SqliteErrorCode(DbException exception) =>
        exception.GetType() is { FullName: "Microsoft.Data.Sqlite.SqliteException" } type && type.GetProperty("SqliteErrorCode")?.GetValue(exception) is int code
            ? code & 0xFF
            : null;
}
