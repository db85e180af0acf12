using System.Text.Json;
using Aos.Messaging;

namespace Aos.Kernel.Agents;

/// <summary>
/// Hosts one agent: an Orleans grain keyed by the agent id, activated on its first message and deactivated when idle.
/// </summary>
/// <remarks>
/// A call returns only after the agent's new state is durable. A grain call is delivered at most once: callers that
/// need more retry with the same message id.
/// </remarks>
[Alias("aos.agent")]
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Delivers an event and waits until its handling is durable; a message id it has processed is answered <c>duplicate</c>.</summary>
    /// <param name="message">The event.</param>
    /// <returns>How the event was handled.</returns>
    [Alias("deliver")]
    Task<DeliveryResult> DeliverAsync(Envelope message);

    /// <summary>Delivers a message from the bus: processes it once (a message id it has processed is answered <c>duplicate</c>), and
    /// on failure changes nothing and answers <c>failed</c> so that the bus retries it later.</summary>
    /// <param name="message">The message.</param>
    /// <param name="receipt">The delivery's receipt when its transport settles in the turn (<see cref="ITurnSettledTransport"/>), or <see langword="null"/>.</param>
    /// <returns>How the message was handled: <c>handled</c>, <c>unhandled</c>, <c>duplicate</c>, <c>filtered</c> or <c>failed</c>.</returns>
    /// <exception cref="AgentNotFoundException">The agent is not registered.</exception>
    /// <exception cref="AgentUnavailableException">The agent is failed.</exception>
    [Alias("process")]
    Task<DeliveryResult> ProcessAsync(Envelope message, DeliveryReceipt? receipt);

    /// <summary>Delivers several queued bus messages of one lane and commits them together: all are kept, or none.</summary>
    /// <param name="messages">The messages, in delivery order.</param>
    /// <param name="receipts">The deliveries' receipts, one per message, when their transport settles in the turn; or <see langword="null"/>.</param>
    /// <returns>One result per message, in order; when one failed, every message not answered <c>duplicate</c> or <c>filtered</c> is <c>failed</c>.</returns>
    /// <exception cref="AgentNotFoundException">The agent is not registered.</exception>
    /// <exception cref="AgentUnavailableException">The agent is failed.</exception>
    [Alias("process-batch")]
    Task<DeliveryResult[]> ProcessBatchAsync(Envelope[] messages, DeliveryReceipt[]? receipts);

    /// <summary>Delivers a request and waits for its reply; the handling is durable before the reply returns.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The reply payload.</returns>
    [Alias("request")]
    Task<JsonElement?> RequestAsync(Envelope request);

    /// <summary>Stops the agent and deletes its state, journal and wake-ups.</summary>
    /// <returns>A task that completes when the deletion is durable.</returns>
    [Alias("delete")]
    Task DeleteAsync();

    /// <summary>Rereads the agent's descriptor from the directory, so that changed grants apply from its next system call.</summary>
    /// <returns>A task that completes when the descriptor is reread.</returns>
    [Alias("refresh-descriptor")]
    Task RefreshDescriptorAsync();
}
