using System.Net.Sockets;
using Aos.Reliability;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Aos.Nats.Resilience;

/// <summary>Classifies the failures of NATS.Net (core, JetStream, key-value) for the reliability service's pipelines.</summary>
/// <remarks>
/// <para>
/// Transient: a JetStream API error with code 408, 429, 503 (JetStream or a stream leader not available) or another 5xx; no answer in
/// time (<see cref="NatsJSPublishNoResponseException"/>, <see cref="NatsJSApiNoResponseException"/>, <see cref="NatsJSTimeoutException"/>,
/// <see cref="NatsTimeoutException"/>, <see cref="NatsNoReplyException"/>); no responders (JetStream not up yet); a refused or lost
/// connection (<see cref="NatsConnectionFailedException"/>, <see cref="NatsJSConnectionException"/>, a <see cref="NatsException"/> caused
/// by a socket or I/O error, a connect timeout, or the server closing the socket; NATS.Net's "can not connect uris" when no server took
/// the connection). Validation: a payload too large. Permanent: every other JetStream API error (400 such as a wrong last
/// sequence, 404, 409), the key-value conditions (<see cref="NatsKVWrongLastRevisionException"/>, <see cref="NatsKVCreateException"/>,
/// key not found or deleted), a duplicate message, an error the server sent (authorization), a protocol violation.
/// </para>
/// <para>Thread-safe; does no I/O. Registered by <c>AddAosNatsTransport</c>.</para>
/// </remarks>
public sealed class NatsErrorClassifier : IErrorClassifier
{
    /// <summary>Gets the shared instance.</summary>
    public static NatsErrorClassifier Instance { get; } = new();

    /// <inheritdoc />
    public ErrorClass? Classify(Exception exception, string dependency)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            NatsJSApiException api => Code(api.Error.Code),
            NatsKVWrongLastRevisionException or NatsKVCreateException or NatsKVKeyNotFoundException or NatsKVKeyDeletedException => ErrorClass.Permanent,
            NatsJSDuplicateMessageException => ErrorClass.Permanent,
            NatsJSPublishNoResponseException or NatsJSApiNoResponseException or NatsJSTimeoutException => ErrorClass.Transient,
            NatsTimeoutException or NatsNoReplyException or NatsNoRespondersException => ErrorClass.Transient,
            NatsConnectionFailedException or NatsJSConnectionException => ErrorClass.Transient,
            NatsPayloadTooLargeException => ErrorClass.Validation,
            NatsServerException or NatsProtocolViolationException or NatsDeserializeException => ErrorClass.Permanent,
            NatsException { InnerException: SocketException or IOException or TimeoutException } => ErrorClass.Transient,
            NatsException { InnerException: { } inner } when IsSocketClosed(inner) => ErrorClass.Transient,
            NatsException { InnerException: null } refused when refused.Message.StartsWith(NoServer, StringComparison.Ordinal) => ErrorClass.Transient,
            NatsException { InnerException: { } inner } => Classify(inner, dependency),
            _ => null,
        };
    }

    // NATS.Net reports that no server of the URL took the connection (refused, unreachable) in a NatsException without a cause.
    private const string NoServer = "can not connect uris";

    // NATS.Net reports a connection the server closed (or a port that accepts and drops) with an internal type, recognised by name.
    private static bool IsSocketClosed(Exception exception) => exception.GetType().FullName == "NATS.Client.Core.Internal.SocketClosedException";

    /// <summary>Classifies the code of a JetStream API error.</summary>
    /// <param name="code">The code, an HTTP status.</param>
    /// <returns>The class.</returns>
    public static ErrorClass Code(int code) => code switch
    {
        408 or 429 or >= 500 => ErrorClass.Transient,
        _ => ErrorClass.Permanent,
    };
}
