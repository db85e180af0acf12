using System.Text.Json;
using Aos.Messaging;

namespace Aos.Kernel.Agents;

/// <summary>Performs the system calls of an <see cref="AgentRuntimeContext"/> that need the hosting grain.</summary>
internal interface IAgentHost
{
    ValueTask<JsonElement?> RequestAsync(Envelope request, TimeSpan timeout, CancellationToken cancellationToken);

    ValueTask ApplyWakeUpAsync(WakeUpChange change, CancellationToken cancellationToken);

    /// <summary>Checks an outgoing message and fills in its id, time, expiry and trace context, as the bus would on acceptance.</summary>
    Envelope PrepareOutgoing(Envelope message);

    ValueTask<bool> ChangeSubscriptionAsync(string pattern, bool subscribe, CancellationToken cancellationToken);
}
