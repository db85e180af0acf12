using System.Net;
using System.Net.Sockets;
using Aos.Azure.Resilience;
using Aos.Reliability;
using Azure;
using Azure.Core;
using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Cosmos;

namespace Aos.Azure.Tests.Resilience;

public sealed class AzureErrorClassifierTests
{
    private const string Dependency = "storage:azure";

    [Theory]
    [InlineData(0, ErrorClass.Transient)]
    [InlineData(408, ErrorClass.Transient)]
    [InlineData(429, ErrorClass.Transient)]
    [InlineData(500, ErrorClass.Transient)]
    [InlineData(502, ErrorClass.Transient)]
    [InlineData(503, ErrorClass.Transient)]
    [InlineData(504, ErrorClass.Transient)]
    [InlineData(501, ErrorClass.Permanent)]
    [InlineData(505, ErrorClass.Permanent)]
    [InlineData(400, ErrorClass.Validation)]
    [InlineData(401, ErrorClass.Permanent)]
    [InlineData(403, ErrorClass.Permanent)]
    [InlineData(404, ErrorClass.Permanent)]
    [InlineData(409, ErrorClass.Permanent)]
    [InlineData(412, ErrorClass.Permanent)]
    [InlineData(416, ErrorClass.Permanent)]
    public void Classify_RequestFailed_ByStatus(int status, ErrorClass expected)
    {
        Assert.Equal(expected, AzureErrorClassifier.Instance.Classify(new RequestFailedException(status, "failed"), Dependency));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, ErrorClass.Transient)]
    [InlineData(HttpStatusCode.ServiceUnavailable, ErrorClass.Transient)]
    [InlineData(HttpStatusCode.RequestTimeout, ErrorClass.Transient)]
    [InlineData(HttpStatusCode.Gone, ErrorClass.Transient)]
    [InlineData(HttpStatusCode.BadRequest, ErrorClass.Validation)]
    [InlineData(HttpStatusCode.NotFound, ErrorClass.Permanent)]
    [InlineData(HttpStatusCode.Conflict, ErrorClass.Permanent)]
    [InlineData(HttpStatusCode.PreconditionFailed, ErrorClass.Permanent)]
    [InlineData(HttpStatusCode.Forbidden, ErrorClass.Permanent)]
    public void Classify_Cosmos_ByStatus(HttpStatusCode status, ErrorClass expected)
    {
        Assert.Equal(expected, AzureErrorClassifier.Instance.Classify(new CosmosException("failed", status, 0, "activity", 0), "storage:cosmos"));
    }

    [Theory]
    [InlineData(true, ErrorClass.Transient)]
    [InlineData(false, ErrorClass.Permanent)]
    public void Classify_ServiceBus_AsTheSdkMarksIt(bool isTransient, ErrorClass expected)
    {
        Assert.Equal(expected, AzureErrorClassifier.Instance.Classify(new ServiceBusException(isTransient, "failed"), "transport:servicebus"));
    }

    [Fact]
    public void Classify_Aggregate_IsTransientOnlyWhenEveryFailureIs()
    {
        var allTransient = new AggregateException(new RequestFailedException(503, "busy"), new RequestFailedException(0, "no answer"), new SocketException());
        var oneConflict = new AggregateException(new RequestFailedException(503, "busy"), new RequestFailedException(409, "exists"));
        var oneBadRequest = new AggregateException(new RequestFailedException(503, "busy"), new RequestFailedException(400, "bad"));

        Assert.Equal(ErrorClass.Transient, AzureErrorClassifier.Instance.Classify(allTransient, Dependency));
        Assert.Equal(ErrorClass.Permanent, AzureErrorClassifier.Instance.Classify(oneConflict, Dependency));
        Assert.Equal(ErrorClass.Validation, AzureErrorClassifier.Instance.Classify(oneBadRequest, Dependency));
    }

    [Fact]
    public void Classify_AnUploadThatCannotBeRepeated_IsPermanent()
    {
        var error = new AttemptNotRepeatableException("stream read", new RequestFailedException(503, "busy"));

        Assert.Equal(ErrorClass.Permanent, AzureErrorClassifier.Instance.Classify(error, Dependency));
    }

    [Fact]
    public void Classify_OtherErrors_AreLeftToTheNextClassifier()
    {
        Assert.Null(AzureErrorClassifier.Instance.Classify(new InvalidOperationException("bug"), Dependency));
        Assert.Null(AzureErrorClassifier.Instance.Classify(new HttpRequestException("refused"), Dependency));
    }

    [Fact]
    public void Pipelines_AskTheAzureClassifierFirst_AndTheDefaultForTheRest()
    {
        using var pipelines = DependencyPipelines.Create(classifiers: AzureErrorClassifier.Instance);

        Assert.Equal(ErrorClass.Transient, pipelines.Classify(new RequestFailedException(503, "busy"), Dependency));
        Assert.Equal(ErrorClass.Permanent, pipelines.Classify(new RequestFailedException(412, "condition"), Dependency));
        Assert.Equal(ErrorClass.Transient, pipelines.Classify(new HttpRequestException("refused"), Dependency));
        Assert.Equal(ErrorClass.Permanent, pipelines.Classify(new InvalidOperationException("bug"), Dependency));
    }

    [Fact]
    public void RetryAfter_OfACosmosThrottle_IsTheWaitItNames()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(750), AzureErrorClassifier.Instance.GetRetryAfter(new ThrottledCosmos(TimeSpan.FromMilliseconds(750)), "storage:cosmos"));
        Assert.Null(AzureErrorClassifier.Instance.GetRetryAfter(new CosmosException("failed", HttpStatusCode.ServiceUnavailable, 0, "activity", 0), "storage:cosmos"));
    }

    [Theory]
    [InlineData("x-ms-retry-after-ms", "1500", 1_500)]
    [InlineData("retry-after-ms", "250", 250)]
    [InlineData("Retry-After", "3", 3_000)]
    [InlineData("Retry-After", "Tue, 01 Dec 2026 12:00:10 GMT", 10_000)]
    public void RetryAfter_OfAStorageResponse_IsReadFromItsHeaders(string header, string value, int milliseconds)
    {
        var response = new HeaderResponse(503, (header, value), ("Date", "Tue, 01 Dec 2026 12:00:00 GMT"));

        var wait = AzureErrorClassifier.Instance.GetRetryAfter(new RequestFailedException(response), Dependency);

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), wait);
    }

    [Theory]
    [InlineData("x-ms-retry-after-ms", "Infinity", null)]
    [InlineData("x-ms-retry-after-ms", "1e300", 86_400_000)]
    [InlineData("Retry-After", "999999999", 86_400_000)]
    public void RetryAfter_OutOfRange_IsIgnoredOrReadAsADay(string header, string value, int? milliseconds)
    {
        var wait = AzureErrorClassifier.Instance.GetRetryAfter(new RequestFailedException(new HeaderResponse(503, (header, value))), Dependency);

        Assert.Equal(milliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : null, wait);
    }

    [Fact]
    public void RetryAfter_WhenNoneIsNamed_IsLeftToTheBackoff()
    {
        Assert.Null(AzureErrorClassifier.Instance.GetRetryAfter(new RequestFailedException(new HeaderResponse(503)), Dependency));
        Assert.Null(AzureErrorClassifier.Instance.GetRetryAfter(new RequestFailedException(503, "busy"), Dependency));
        Assert.Null(AzureErrorClassifier.Instance.GetRetryAfter(new InvalidOperationException("bug"), Dependency));
    }

    [Fact]
    public void Pipelines_TakeTheRetryAfterOfTheAzureClassifier()
    {
        using var pipelines = DependencyPipelines.Create(classifiers: AzureErrorClassifier.Instance);
        var aggregate = new AggregateException(new ThrottledCosmos(TimeSpan.FromSeconds(1)), new ThrottledCosmos(TimeSpan.FromSeconds(2)));

        Assert.Equal(TimeSpan.FromSeconds(2), pipelines.GetRetryAfter(aggregate, "storage:cosmos"));
    }

    private sealed class ThrottledCosmos(TimeSpan retryAfter) : CosmosException("throttled", HttpStatusCode.TooManyRequests, 3200, "activity", 0)
    {
        public override TimeSpan? RetryAfter { get; } = retryAfter;
    }

    private sealed class HeaderResponse(int status, params (string Name, string Value)[] headers) : Response
    {
        public override int Status => status;

        public override string ReasonPhrase => "Service Unavailable";

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = "request";

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => headers.Any(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => headers.Select(h => new HttpHeader(h.Name, h.Value));

        protected override bool TryGetHeader(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
        {
            value = headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
            return value is not null;
        }

        protected override bool TryGetHeaderValues(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = TryGetHeader(name, out var value) ? [value] : null;
            return values is not null;
        }
    }
}
