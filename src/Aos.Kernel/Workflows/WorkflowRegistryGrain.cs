using Aos.Security;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Aos.Kernel.Workflows;

/// <summary>Keeps the registered workflow definitions' versions under one key in the agents' grain storage; the definitions themselves are in <see cref="WorkflowPayloads"/>.</summary>
[GrainType("aos-wf-registry")]
internal sealed class WorkflowRegistryGrain([FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage storage) : Grain, IWorkflowRegistryGrain
{
    internal const string Key = "definitions";
    private const string StateName = "wf-registry";
    private readonly GrainState<Dictionary<string, List<string>>> _state = new(new Dictionary<string, List<string>>(StringComparer.Ordinal));

    private Dictionary<string, List<string>> Versions => _state.State!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await storage.ReadStateAsync(StateName, this.GetGrainId(), _state);
        _state.State ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
    }

    public async Task<bool> PutAsync(string name, string definitionRef)
    {
        if (Versions.TryGetValue(name, out var versions) && versions[^1] == definitionRef)
        {
            return false;
        }

        if (versions is null)
        {
            Versions[name] = versions = [];
        }

        versions.Add(definitionRef);
        try
        {
            await storage.WriteStateAsync(StateName, this.GetGrainId(), _state);
        }
        catch
        {
            versions.RemoveAt(versions.Count - 1);
            throw;
        }

        return true;
    }

    public Task<string?> GetLatestAsync(string name) => Task.FromResult(Versions.TryGetValue(name, out var v) ? v[^1] : null);

    public Task<string[]> ListAsync(string tenant)
    {
        // Workflow names hold no control characters, so a plain name is the default tenant's and a scoped one starts with its tenant.
        var prefix = AosTenants.Scope(tenant, string.Empty);
        var names = tenant == AosTenants.Default
            ? Versions.Keys.Where(k => !k.Any(char.IsControl))
            : Versions.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..]);
        return Task.FromResult(names.Order(StringComparer.Ordinal).ToArray());
    }
}
