using System.Collections.Concurrent;
using Aos.Security;
using Aos.StateMachines;

namespace Aos.Kernel.StateMachines;

/// <summary>
/// Finds state machines by name: the templates, the machines registered in code, and the ones registered at run time as JSON
/// (kept durably by the registry grain and compiled on first use in each silo).
/// </summary>
/// <remarks>
/// Templates and machines registered in code are shared: every tenant sees them, and none can replace them. A machine registered at
/// run time belongs to the tenant that registered it, stored under <see cref="AosTenants.Scope"/> of its name: only that tenant
/// finds it, and two tenants may each register their own machine of the same name.
/// </remarks>
public sealed class StateMachineCatalog
{
    internal const string DefinitionsKey = "definitions";

    /// <summary>Gets the key of the registry grain that indexes a tenant's instances of a machine.</summary>
    internal static string InstancesKey(string machine, string tenant) => "instances:" + AosTenants.Scope(tenant, machine);

    private readonly IGrainFactory _grains;
    private readonly ConcurrentDictionary<string, StateMachine> _builtIn = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StateMachine> _registered = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="StateMachineCatalog"/> class.</summary>
    /// <param name="grains">The grain factory.</param>
    /// <param name="hooks">The named hooks and guards definitions may use.</param>
    /// <param name="machines">The machines registered in code.</param>
    public StateMachineCatalog(IGrainFactory grains, StateMachineHooks hooks, IEnumerable<StateMachine> machines)
    {
        _grains = grains;
        Hooks = hooks;
        foreach (var template in StateMachineTemplates.All)
        {
            _builtIn[template.Name] = StateMachine.Create(template, hooks);
        }

        foreach (var machine in machines)
        {
            _builtIn[machine.Name] = machine;
        }
    }

    /// <summary>Gets the named hooks and guards.</summary>
    public StateMachineHooks Hooks { get; }

    /// <summary>Validates a definition and stores it durably; registering the same definition again changes nothing.</summary>
    /// <remarks>
    /// A registered definition never changes: every silo can keep it compiled, and an instance always runs the machine it was created
    /// with. A new version is registered under a new name (<c>expense-v2</c>).
    /// </remarks>
    /// <param name="definition">The definition.</param>
    /// <param name="tenant">The tenant it belongs to.</param>
    /// <returns>The machine.</returns>
    /// <exception cref="AosValidationException">The definition is invalid, or its name is taken by a template, a machine defined in code, or another definition the tenant registered.</exception>
    public async Task<StateMachine> RegisterAsync(StateMachineDefinition definition, string tenant = AosTenants.Default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var machine = StateMachine.Create(definition, Hooks);
        if (_builtIn.ContainsKey(machine.Name))
        {
            throw new AosValidationException($"The state machine '{machine.Name}' is defined by AOS or in code and cannot be replaced; register yours under another name.") { Field = "name" };
        }

        var key = AosTenants.Scope(tenant, machine.Name);
        if (!await Registry.PutDefinitionAsync(key, StateMachineJson.Write(definition)))
        {
            throw new AosValidationException($"A different state machine named '{machine.Name}' is registered already; definitions do not change once registered, so register this one under a new name, such as '{machine.Name}-v2'.") { Field = "name" };
        }

        return _registered.GetOrAdd(key, machine);
    }

    /// <summary>Gets a machine by name, as a tenant sees it: a template, a machine defined in code, or one the tenant registered.</summary>
    /// <param name="name">The name.</param>
    /// <param name="tenant">The tenant that asks.</param>
    /// <returns>The machine.</returns>
    /// <exception cref="StateMachineNotFoundException">No machine the tenant sees has that name.</exception>
    public async Task<StateMachine> GetAsync(string name, string tenant = AosTenants.Default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(tenant);
        var key = AosTenants.Scope(tenant, name);
        if (_builtIn.TryGetValue(name, out var machine) || _registered.TryGetValue(key, out machine))
        {
            return machine;
        }

        var json = await Registry.GetDefinitionAsync(key)
            ?? throw new StateMachineNotFoundException($"There is no state machine '{name}'; register it first (POST /v1/state-machines) or use a template: decision, incident.");
        return _registered.GetOrAdd(key, StateMachine.Create(StateMachineJson.Read(json), Hooks));
    }

    /// <summary>Lists the machines a tenant sees: templates and code first, then the ones the tenant registered at run time.</summary>
    /// <param name="tenant">The tenant that asks.</param>
    /// <returns>The definitions, by name.</returns>
    public async Task<IReadOnlyList<StateMachineDefinition>> ListAsync(string tenant = AosTenants.Default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var keys = await Registry.ListDefinitionsAsync();
        var registered = new List<StateMachineDefinition>();
        foreach (var key in keys)
        {
            if (NameIn(tenant, key) is { } name)
            {
                registered.Add((await GetAsync(name, tenant)).Definition);
            }
        }

        return [.. _builtIn.Values.Select(m => m.Definition).OrderBy(d => d.Name, StringComparer.Ordinal), .. registered];
    }

    /// <summary>Gets the name a registry key stands for in a tenant, or <see langword="null"/> when the key is another tenant's.</summary>
    private static string? NameIn(string tenant, string key)
    {
        var scoped = AosTenants.Scope(tenant, string.Empty);
        return tenant == AosTenants.Default
            ? (key.Contains(ScopeSeparator, StringComparison.Ordinal) ? null : key)
            : (key.StartsWith(scoped, StringComparison.Ordinal) ? key[scoped.Length..] : null);
    }

    /// <summary>Gets what <see cref="AosTenants.Scope"/> puts between a tenant and a name.</summary>
    private static string ScopeSeparator { get; } = AosTenants.Scope("x", string.Empty)[1..];

    private IStateMachineRegistryGrain Registry => _grains.GetGrain<IStateMachineRegistryGrain>(DefinitionsKey);
}
