using System.Text.Json;
using Aos.Messaging;

namespace Aos.Kernel.Agents;

/// <summary>Performs the system calls of an <see cref="AgentRuntimeContext"/> that need the hosting grain.</summary>
internal interface IAgentHost
{
    ValueTask<JsonElement?> RequestAsync(Envelope request, TimeSpan timeout, CancellationToken cancellationToken);

    ValueTask ApplyWakeUpAsync(WakeUpChange change, CancellationToken cancellationToken);
}
