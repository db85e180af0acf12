using System.Net.Sockets;
using Aos.Nats.Resilience;
using Aos.Reliability;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Aos.Nats.Tests.Resilience;

public sealed class NatsErrorClassifierTests
{
    private const string Dependency = "transport:nats";

    [Theory]
    [InlineData(503, 10008, ErrorClass.Transient)] // JetStream temporarily unavailable
    [InlineData(500, 10056, ErrorClass.Transient)]
    [InlineData(408, 0, ErrorClass.Transient)]
    [InlineData(429, 0, ErrorClass.Transient)]
    [InlineData(400, 10071, ErrorClass.Permanent)] // wrong last sequence
    [InlineData(400, 10065, ErrorClass.Permanent)] // subjects overlap with an existing stream
    [InlineData(404, 10059, ErrorClass.Permanent)] // stream not found
    [InlineData(409, 0, ErrorClass.Permanent)]
    public void Classify_JetStreamApiError_ByCode(int code, int errCode, ErrorClass expected)
    {
        var error = new NatsJSApiException(new ApiError { Code = code, ErrCode = errCode, Description = "failed" });

        Assert.Equal(expected, NatsErrorClassifier.Instance.Classify(error, Dependency));
    }

    public static TheoryData<Exception, ErrorClass> Exceptions() => new()
    {
        { new NatsJSPublishNoResponseException(), ErrorClass.Transient },
        { new NatsNoRespondersException(), ErrorClass.Transient },
        { new NatsNoReplyException(), ErrorClass.Transient },
        { new NatsException("can not connect uris: nats://127.0.0.1:1", new SocketException((int)SocketError.ConnectionRefused)), ErrorClass.Transient },
        { new NatsException("lost", new IOException("reset")), ErrorClass.Transient },
        { new NatsException("can not connect uris: nats://127.0.0.1:1"), ErrorClass.Transient },
        { new NatsKVWrongLastRevisionException(new ApiError { Code = 400, ErrCode = 10071, Description = "wrong last sequence" }), ErrorClass.Permanent },
        { new NatsKVCreateException(), ErrorClass.Permanent },
        { new NatsKVKeyNotFoundException(), ErrorClass.Permanent },
        { new NatsJSDuplicateMessageException(7), ErrorClass.Permanent },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Classify_ClientErrors(Exception error, ErrorClass expected)
    {
        Assert.Equal(expected, NatsErrorClassifier.Instance.Classify(error, Dependency));
    }

    [Fact]
    public void Classify_OtherErrors_AreLeftToTheNextClassifier()
    {
        Assert.Null(NatsErrorClassifier.Instance.Classify(new InvalidOperationException("bug"), Dependency));
        Assert.Null(NatsErrorClassifier.Instance.Classify(new NatsException("bad subject"), Dependency));
    }

    [Fact]
    public void Pipelines_AskTheNatsClassifierFirst_AndAnUnknownNatsErrorIsPermanent()
    {
        using var pipelines = DependencyPipelines.Create(classifiers: NatsErrorClassifier.Instance);

        Assert.Equal(ErrorClass.Transient, pipelines.Classify(new NatsJSApiException(new ApiError { Code = 503 }), Dependency));
        Assert.Equal(ErrorClass.Permanent, pipelines.Classify(new NatsKVWrongLastRevisionException(new ApiError { Code = 400, ErrCode = 10071, Description = "wrong last sequence" }), Dependency));
        Assert.Equal(ErrorClass.Permanent, pipelines.Classify(new NatsException("bad subject"), Dependency));
        Assert.Equal(ErrorClass.Transient, pipelines.Classify(new TimeoutException(), Dependency));
    }
}
