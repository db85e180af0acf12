using Microsoft.Extensions.Logging;

namespace Aos.Nats.Messaging;

public sealed partial class NatsMessageTransport
{
    [LoggerMessage(1, LogLevel.Information, "NATS transport started on bucket {Bucket}: {Pending} pending messages loaded; stream of earlier versions: {Stream}.")]
    private static partial void LogStarted(ILogger logger, string bucket, int pending, string stream);

    [LoggerMessage(2, LogLevel.Error, "NATS transport lost the envelope of pending message {MessageId} for {Recipient} (stream sequence {Sequence}); it cannot be delivered.")]
    private static partial void LogEnvelopeMissing(ILogger logger, string messageId, string recipient, long sequence);

    [LoggerMessage(3, LogLevel.Warning, "NATS transport could not remove stream message {Sequence} that no ledger entry refers to.")]
    private static partial void LogOrphanNotRemoved(ILogger logger, long sequence, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "NATS transport is taking over the messages of node {Prefix}, whose lease went unrenewed for {LeaseTimeout}.")]
    private static partial void LogAdopting(ILogger logger, string prefix, TimeSpan leaseTimeout);

    [LoggerMessage(5, LogLevel.Warning, "NATS transport took over {Moved} messages of node {Prefix}, {Pending} of them pending; {Left} without an envelope were left behind.")]
    private static partial void LogAdopted(ILogger logger, string prefix, int moved, int pending, int left);

    [LoggerMessage(6, LogLevel.Warning, "NATS transport stopped taking over node {Prefix} after {Moved} messages: the node renewed its lease, and keeps the rest.")]
    private static partial void LogAdoptionInterrupted(ILogger logger, string prefix, int moved);
}
