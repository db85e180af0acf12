using System.Net;
using System.Net.Sockets;
using Aos.Azure.Resilience;
using Aos.Reliability;
using Azure;
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
}
