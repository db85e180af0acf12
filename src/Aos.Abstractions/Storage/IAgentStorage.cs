namespace Aos.Storage;

/// <summary>
/// Gives an agent its own part of the named stores, which only it (and operators) can read, and its tenant's shared part of the stores
/// its grants name.
/// </summary>
/// <remarks>
/// Each store is the named store of the node's configuration (same backend), narrowed: the agent's own part is a store named after the
/// store and a hash of the agent's id, the tenant's shared part one named after the store and a hash of the tenant, so no name, key or
/// query of an agent reaches another agent's data, or another tenant's. Store names for agents are at most 28 characters (the rest
/// carries the scope).
/// </remarks>
public interface IAgentStorage : IStorageScope
{
    /// <summary>Gets the tenant's shared part of the named stores: every agent of the tenant granted a store sees the same data in it.</summary>
    /// <remarks>
    /// Each call checks the agent's grants (<see cref="Agents.AgentGrants.Stores"/>) at the time it is made; a store outside them is
    /// refused with <see cref="Security.AgentGrantException"/> naming the grant that is missing.
    /// </remarks>
    IStorageScope Tenant { get; }
}
