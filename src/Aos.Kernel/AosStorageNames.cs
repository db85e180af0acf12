namespace Aos.Kernel;

/// <summary>Names the storage the kernel uses.</summary>
public static class AosStorageNames
{
    /// <summary>Gets the name of the grain storage provider that holds agent state.</summary>
    public const string GrainStorage = "aos";

    /// <summary>Gets the state name an agent's grain state is stored under.</summary>
    public const string AgentStateName = "agent";

    /// <summary>Gets the name of the document store where the kernel records which of its own stores each agent has used.</summary>
    public const string KernelDocuments = "aos-kernel";

    /// <summary>Gets the Orleans grain type of the agent grain.</summary>
    public const string AgentGrainType = "aos-agent";
}
