using System.Collections.Concurrent;

namespace Aos.Kernel.Agents;

/// <summary>
/// Hands out agents' grain references, each made once: Orleans' <see cref="IGrainFactory.GetGrain{TGrainInterface}(string, string)"/>
/// reads the grain interface's attributes by reflection on every call, which costs more than the bus's own work per message.
/// </summary>
/// <remarks>
/// A reference is an immutable handle that does not pin an activation, so keeping one is free for the agent. The cache forgets all
/// it holds when it reaches <see cref="Capacity"/> references, which bounds it for fleets of any size.
/// </remarks>
internal sealed class AgentGrainReferences(IGrainFactory grains)
{
    /// <summary>The number of references kept before the cache starts over.</summary>
    internal const int Capacity = 65_536;

    private readonly ConcurrentDictionary<string, IAgentGrain> _references = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Gets the grain reference of an agent.</summary>
    /// <param name="agentId">The agent's id.</param>
    /// <returns>The reference.</returns>
    public IAgentGrain Get(string agentId)
    {
        if (_references.TryGetValue(agentId, out var grain))
        {
            return grain;
        }

        grain = grains.GetGrain<IAgentGrain>(agentId);
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            _references.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        _references.TryAdd(agentId, grain);
        return grain;
    }
}
