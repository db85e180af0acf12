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
    /// <summary>Delivers an event and waits until its handling is durable.</summary>
    /// <param name="message">The event.</param>
    /// <returns>How the event was handled.</returns>
    [Alias("deliver")]
    Task<DeliveryResult> DeliverAsync(Envelope message);

    /// <summary>Delivers a request and waits for its reply; the handling is durable before the reply returns.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The reply payload.</returns>
    [Alias("request")]
    Task<JsonElement?> RequestAsync(Envelope request);

    /// <summary>Stops the agent and deletes its state, journal and wake-ups.</summary>
    /// <returns>A task that completes when the deletion is durable.</returns>
    [Alias("delete")]
    Task DeleteAsync();
}
