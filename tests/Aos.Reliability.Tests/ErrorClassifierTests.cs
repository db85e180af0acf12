using System.Net;
using System.Net.Sockets;
using Aos.Storage;
using Microsoft.Data.Sqlite;
using Polly.Timeout;

namespace Aos.Reliability.Tests;

public sealed class ErrorClassifierTests
{
    public static TheoryData<Exception, ErrorClass?> Cases => new()
    {
        { new TimeoutException(), ErrorClass.Transient },
        { new TimeoutRejectedException(), ErrorClass.Transient },
        { new StorageUnavailableException("down"), ErrorClass.Transient },
        { new HttpRequestException("no status"), ErrorClass.Transient },
        { new HttpRequestException("timeout", null, HttpStatusCode.RequestTimeout), ErrorClass.Transient },
        { new HttpRequestException("throttled", null, HttpStatusCode.TooManyRequests), ErrorClass.Transient },
        { new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway), ErrorClass.Transient },
        { new HttpRequestException("unprocessable", null, HttpStatusCode.UnprocessableEntity), ErrorClass.Validation },
        { new HttpRequestException("not found", null, HttpStatusCode.NotFound), ErrorClass.Permanent },
        { new SocketException((int)SocketError.ConnectionRefused), ErrorClass.Transient },
        { new IOException("reset"), ErrorClass.Transient },
        { new SqliteException("database is locked", 5), ErrorClass.Transient },
        { new SqliteException("table is locked", 6), ErrorClass.Transient },
        { new SqliteException("constraint", 19), null },
        { new TaskCanceledException("timed out", new TimeoutException()), ErrorClass.Transient },
        { new OperationCanceledException(), ErrorClass.Permanent },
        { new AosValidationException("bad"), ErrorClass.Validation },
        { new ArgumentException("bad"), ErrorClass.Validation },
        { new StorageConflictException("changed"), ErrorClass.Permanent },
        { new AosException("other"), ErrorClass.Permanent },
        { new InvalidOperationException("unknown"), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_SortsTheKnownErrors(Exception exception, ErrorClass? expected) =>
        Assert.Equal(expected, DefaultErrorClassifier.Instance.Classify(exception, "storage:test"));
}
