using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Aos.Kernel.StateMachines;

/// <summary>
/// Keeps, under the key <c>definitions</c>, the state machine definitions registered at run time (each under
/// <c>AosTenants.Scope(tenant, name)</c>), and under <c>instances:</c> and that scoped machine name the ids of a tenant's instances of
/// the machine, in the agents' grain storage.
/// </summary>
/// <remarks>The instance index is one stored list per machine, rewritten when an instance is created or forgotten: fine for thousands of instances, not for millions.</remarks>
[GrainType("aos-sm-registry")]
internal sealed class StateMachineRegistryGrain(
    [FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage storage) : Grain, IStateMachineRegistryGrain
{
    private const string StateName = "sm-registry";
    private readonly GrainState<RegistryState> _state = new(new RegistryState());

    private RegistryState State => _state.State!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await storage.ReadStateAsync(StateName, this.GetGrainId(), _state);
        _state.State ??= new RegistryState();
    }

    public async Task<bool> PutDefinitionAsync(string name, string json)
    {
        if (State.Definitions.TryGetValue(name, out var existing))
        {
            return existing == json;
        }

        State.Definitions[name] = json;
        await storage.WriteStateAsync(StateName, this.GetGrainId(), _state);
        return true;
    }

    public Task<string?> GetDefinitionAsync(string name) => Task.FromResult(State.Definitions.GetValueOrDefault(name));

    public Task<string[]> ListDefinitionsAsync() => Task.FromResult(State.Definitions.Keys.Order(StringComparer.Ordinal).ToArray());

    public async Task AddInstanceAsync(string id)
    {
        if (State.Instances.Add(id))
        {
            await storage.WriteStateAsync(StateName, this.GetGrainId(), _state);
        }
    }

    public async Task RemoveInstanceAsync(string id)
    {
        if (State.Instances.Remove(id))
        {
            await storage.WriteStateAsync(StateName, this.GetGrainId(), _state);
        }
    }

    public Task<string[]> ListInstancesAsync(string? after, int limit) =>
        Task.FromResult(State.Instances.Where(id => after is null || string.CompareOrdinal(id, after) > 0).Take(limit).ToArray());

    [GenerateSerializer, Alias("aos.sm-registry-state")]
    internal sealed class RegistryState
    {
        [Id(0)] public Dictionary<string, string> Definitions { get; set; } = new(StringComparer.Ordinal);

        [Id(1)] public SortedSet<string> Instances { get; set; } = new(StringComparer.Ordinal);
    }
}
