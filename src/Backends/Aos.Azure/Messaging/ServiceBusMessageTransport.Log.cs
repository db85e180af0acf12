using Microsoft.Extensions.Logging;

namespace Aos.Azure.Messaging;

public sealed partial class ServiceBusMessageTransport
{
    [LoggerMessage(1, LogLevel.Information, "Service Bus transport started on queue {Queue} and ledger table {Table}: {Pending} pending messages loaded.")]
    private static partial void LogStarted(ILogger logger, string queue, string table, int pending);

    [LoggerMessage(2, LogLevel.Warning, "Service Bus transport could not receive from queue {Queue}; it tries again.")]
    private static partial void LogReceiveFailed(ILogger logger, string queue, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Service Bus transport could not remove the queue copy {ServiceBusSequence} of a settled message; it stays in the queue until its time to live.")]
    private static partial void LogCopyNotRemoved(ILogger logger, long serviceBusSequence, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "Service Bus transport dead-lettered queue message {ServiceBusSequence} in Service Bus: it was not sent by an AOS transport.")]
    private static partial void LogForeignMessage(ILogger logger, long serviceBusSequence);

    [LoggerMessage(5, LogLevel.Warning, "Service Bus transport could not send the queue copy of replayed message {MessageId} for {Recipient}; the ledger holds it and it is delivered anyway.")]
    private static partial void LogReplayCopyNotSent(ILogger logger, string messageId, string recipient, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Service Bus transport could not record the deferred copy {ServiceBusSequence} of message {MessageId} in the ledger; after a restart it stays in the queue until its time to live.")]
    private static partial void LogCopyNotRecorded(ILogger logger, long serviceBusSequence, string messageId, Exception exception);
}
