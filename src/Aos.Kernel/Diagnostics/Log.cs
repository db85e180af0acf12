using Microsoft.Extensions.Logging;

namespace Aos.Kernel.Diagnostics;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Agent {AgentId} woke ({AgentType}).")]
    public static partial void AgentActivated(ILogger logger, string agentId, string agentType);

    [LoggerMessage(2, LogLevel.Debug, "Agent {AgentId} went to sleep: {Reason}.")]
    public static partial void AgentDeactivated(ILogger logger, string agentId, string reason);

    [LoggerMessage(3, LogLevel.Error, "Agent {AgentId} failed to load and cannot serve: {Reason}")]
    public static partial void AgentLoadFailed(ILogger logger, string agentId, string reason, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "Agent {AgentId}: attempt {Attempt} of message {MessageId} ({MessageType}) failed.")]
    public static partial void HandlerAttemptFailed(ILogger logger, string agentId, int attempt, string messageId, string messageType, Exception exception);

    [LoggerMessage(5, LogLevel.Error, "Agent {AgentId}: message {MessageId} ({MessageType}) failed after {Attempts} attempt(s) and is recorded as failed.")]
    public static partial void MessageFailed(ILogger logger, string agentId, string messageId, string messageType, int attempts, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Agent {AgentId}: delivering message {MessageId} to {Target} failed.")]
    public static partial void OutgoingDeliveryFailed(ILogger logger, string agentId, string messageId, string target, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "Agent {AgentId}: recording status {Status} failed.")]
    public static partial void StatusWriteFailed(ILogger logger, string agentId, string status, Exception exception);

    [LoggerMessage(8, LogLevel.Information, "Marked {Count} agent(s) sleeping whose silo is gone.")]
    public static partial void StaleAgentsReset(ILogger logger, int count);

    [LoggerMessage(9, LogLevel.Trace, "Agent {AgentId} handles {MessageType} {MessageId}: {Payload}")]
    public static partial void HandlingMessage(ILogger logger, string agentId, string messageType, string messageId, string? payload);

    [LoggerMessage(10, LogLevel.Warning, "Message {MessageId} to {Recipient}: attempt {Attempt} failed ({Error}); retrying in {Delay}.")]
    public static partial void DeliveryFailed(ILogger logger, string messageId, string recipient, int attempt, string error, TimeSpan delay);

    [LoggerMessage(11, LogLevel.Error, "Message {MessageId} to {Recipient} was dead-lettered: {Reason}. {Error}")]
    public static partial void DeadLettered(ILogger logger, string messageId, string recipient, string reason, string? error);

    [LoggerMessage(12, LogLevel.Error, "Recording the outcome of message {MessageId} to {Recipient} failed; it is delivered again after a restart.")]
    public static partial void SettleFailed(ILogger logger, string messageId, string recipient, Exception exception);

    [LoggerMessage(18, LogLevel.Error, "Message {MessageId} an agent sent was not stored for {Recipients}: another tenant's message holds that id for them. Give the agent's messages unique ids.")]
    public static partial void MessageIdTaken(ILogger logger, string messageId, string recipients);

    [LoggerMessage(13, LogLevel.Error, "Routing the outbox failed; retrying in {Delay}.")]
    public static partial void OutboxRelayFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(14, LogLevel.Error, "The message dispatcher failed; restarting it in {Delay}.")]
    public static partial void DispatcherFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "Pruning delivered messages, processed-message records, or dead letters and conversations past their retention failed.")]
    public static partial void PruneFailed(ILogger logger, Exception exception);

    [LoggerMessage(16, LogLevel.Error, "Agent {AgentId}: applying wake-up '{Name}' after a committed turn failed; schedule it again.")]
    public static partial void WakeUpChangeFailed(ILogger logger, string agentId, string name, Exception exception);

    [LoggerMessage(17, LogLevel.Error, "Agent {AgentId}: the decision sink {Sink} failed to record {Count} decision(s) of a committed turn; they remain in the agent's journal.")]
    public static partial void DecisionSinkFailed(ILogger logger, string agentId, string sink, int count, Exception exception);

    [LoggerMessage(19, LogLevel.Information, "Removed {Count} dead letter(s) dead-lettered before {Before:o}, older than Aos:Bus:DeadLetterRetention ({Retention}).")]
    public static partial void DeadLettersPruned(ILogger logger, int count, DateTimeOffset before, TimeSpan retention);

    [LoggerMessage(20, LogLevel.Information, "Forgot {Count} conversation(s) that waited for nothing and last changed before {Before:o}, older than Aos:Bus:ConversationRetention ({Retention}).")]
    public static partial void ConversationsPruned(ILogger logger, int count, DateTimeOffset before, TimeSpan retention);
}
