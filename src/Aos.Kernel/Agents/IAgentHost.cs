using System.Text.Json;
using Aos.Messaging;

namespace Aos.Kernel.Agents;

/// <summary>Performs the system calls of an <see cref="AgentRuntimeContext"/> that need the hosting grain.</summary>
internal interface IAgentHost
{
    ValueTask<JsonElement?> RequestAsync(Envelope request, TimeSpan timeout, CancellationToken cancellationToken);

    ValueTask ScheduleWakeUpAsync(string name, TimeSpan dueTime, TimeSpan? period, CancellationToken cancellationToken);

    ValueTask CancelWakeUpAsync(string name, CancellationToken cancellationToken);
}
