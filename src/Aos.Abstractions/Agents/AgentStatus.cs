namespace Aos.Agents;

/// <summary>Describes where an agent is in its perpetual lifecycle.</summary>
public enum AgentStatus
{
    /// <summary>The agent is registered and not activated: it costs no memory and wakes on the next event or wake-up.</summary>
    Sleeping = 0,

    /// <summary>The agent is activated in a silo and serving turns.</summary>
    Active = 1,

    /// <summary>The agent cannot serve: its state could not be loaded. The reason is recorded.</summary>
    Failed = 2,
}
