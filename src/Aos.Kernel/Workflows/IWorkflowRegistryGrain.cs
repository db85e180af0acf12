using Aos.Security;

namespace Aos.Kernel.Workflows;

/// <summary>Keeps the registered workflow definitions: for each name, the content hashes of its versions, newest last.</summary>
/// <remarks>Names are scoped to their tenant (<see cref="AosTenants.Scope"/>): the default tenant's are plain, so data of a single-tenant installation stays valid.</remarks>
[Alias("aos.workflow-registry-grain")]
public interface IWorkflowRegistryGrain : IGrainWithStringKey
{
    /// <summary>Records a version of a workflow, unless it is its newest version already.</summary>
    /// <returns><see langword="true"/> when it is a new version.</returns>
    [Alias("put")]
    Task<bool> PutAsync(string name, string definitionRef);

    /// <summary>Gets the newest version of a workflow, or <see langword="null"/>.</summary>
    [Alias("latest")]
    Task<string?> GetLatestAsync(string name);

    /// <summary>Lists the workflow names of a tenant, unscoped, in order.</summary>
    [Alias("list-in-tenant")]
    Task<string[]> ListAsync(string tenant);
}
