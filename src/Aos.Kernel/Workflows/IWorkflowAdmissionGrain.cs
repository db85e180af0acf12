using Aos.Messaging;

namespace Aos.Kernel.Workflows;

/// <summary>Admits runs under the cluster's limit on running workflows, queues the others by priority, and lets a critical run take a slot.</summary>
[Alias("aos.workflow-admission-grain")]
public interface IWorkflowAdmissionGrain : IGrainWithStringKey
{
    /// <summary>Asks for a slot: <see langword="true"/> when the run may go on now, <see langword="false"/> when it is queued and resumed later.</summary>
    [Alias("admit")]
    Task<bool> AdmitAsync(string runId, MessagePriority priority);

    /// <summary>Gives a finished run's slot (or its place in the queue) back.</summary>
    [Alias("release")]
    Task ReleaseAsync(string runId);

    /// <summary>Gets how many runs hold a slot and how many wait.</summary>
    [Alias("counts")]
    Task<(int Running, int Queued)> GetCountsAsync();
}
