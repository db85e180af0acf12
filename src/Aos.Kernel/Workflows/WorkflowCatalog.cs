using System.Collections.Concurrent;
using Aos.Security;
using Aos.Workflows;

namespace Aos.Kernel.Workflows;

/// <summary>Registers workflow definitions and finds them by name or by version, caching what it read (versions are immutable).</summary>
/// <remarks>
/// Registering a changed definition under a taken name adds a version: new runs follow it, runs already started keep the version they
/// started with. The same definition again changes nothing. Each tenant has its own names: two tenants' workflows of the same name are
/// two workflows, and a tenant lists and finds only its own.
/// </remarks>
public sealed class WorkflowCatalog
{
    private readonly IGrainFactory _grains;
    private readonly WorkflowPayloads _payloads;
    private readonly IReadOnlySet<string> _extensionKinds;
    private readonly ConcurrentDictionary<string, WorkflowDefinition> _byRef = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="WorkflowCatalog"/> class.</summary>
    /// <param name="grains">The grain factory.</param>
    /// <param name="payloads">Where definitions are stored, by content hash.</param>
    /// <param name="kinds">The step kinds registered as extensions.</param>
    public WorkflowCatalog(IGrainFactory grains, WorkflowPayloads payloads, IEnumerable<IWorkflowStepKind> kinds)
    {
        _grains = grains;
        _payloads = payloads;
        _extensionKinds = kinds.Select(k => k.Kind).Where(k => !WorkflowValidator.BuiltInKinds.Contains(k)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Gets the step kinds registered as extensions.</summary>
    public IReadOnlySet<string> ExtensionKinds => _extensionKinds;

    /// <summary>Validates and registers a definition in a tenant.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="tenant">The tenant it belongs to.</param>
    /// <returns>The version (content hash) and whether it is new.</returns>
    /// <exception cref="AosValidationException">The definition or the tenant is invalid; the message names the step or cycle at fault.</exception>
    public async Task<(string Version, bool Created)> RegisterAsync(WorkflowDefinition definition, string tenant = AosTenants.Default)
    {
        AosTenants.Validate(tenant);
        WorkflowValidator.Validate(definition, _extensionKinds);
        var json = WorkflowJson.Serialize(definition);
        var reference = await _payloads.PutAsync(json);
        _byRef.TryAdd(reference, definition);
        var created = await Registry.PutAsync(AosTenants.Scope(tenant, definition.Name), reference);
        return (reference, created);
    }

    /// <summary>Gets the newest version of a tenant's workflow.</summary>
    /// <param name="name">The workflow's name.</param>
    /// <param name="tenant">The tenant it belongs to.</param>
    /// <returns>The version and the definition.</returns>
    /// <exception cref="WorkflowNotFoundException">The tenant has no workflow of the name.</exception>
    public async Task<(string Version, WorkflowDefinition Definition)> GetLatestAsync(string name, string tenant = AosTenants.Default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var reference = (AosTenants.IsValid(tenant) && !name.Any(char.IsControl) ? await Registry.GetLatestAsync(AosTenants.Scope(tenant, name)) : null)
            ?? throw new WorkflowNotFoundException($"There is no workflow '{name}'; register it first (POST /v1/workflows).");
        return (reference, await GetVersionAsync(reference));
    }

    /// <summary>Gets a version of a definition.</summary>
    /// <param name="version">The version (content hash).</param>
    /// <returns>The definition.</returns>
    public async Task<WorkflowDefinition> GetVersionAsync(string version)
    {
        if (_byRef.TryGetValue(version, out var cached))
        {
            return cached;
        }

        var definition = WorkflowJson.Parse(await _payloads.GetAsync(version), _extensionKinds);
        _byRef.TryAdd(version, definition);
        return definition;
    }

    /// <summary>Lists the names of a tenant's workflows.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The names, in order.</returns>
    public async Task<IReadOnlyList<string>> ListAsync(string tenant = AosTenants.Default)
    {
        AosTenants.Validate(tenant);
        return await Registry.ListAsync(tenant);
    }

    private IWorkflowRegistryGrain Registry => _grains.GetGrain<IWorkflowRegistryGrain>(WorkflowRegistryGrain.Key);
}
