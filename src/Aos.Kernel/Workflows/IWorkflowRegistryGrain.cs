namespace Aos.Kernel.Workflows;

/// <summary>Keeps the registered workflow definitions: for each name, the content hashes of its versions, newest last.</summary>
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

    /// <summary>Lists the workflow names, in order.</summary>
    [Alias("list")]
    Task<string[]> ListAsync();
}
