using System.Collections.Concurrent;
using Aos.StateMachines;

namespace Aos.Kernel.StateMachines;

/// <summary>
/// Finds state machines by name: the templates, the machines registered in code, and the ones registered at run time as JSON
/// (kept durably by the registry grain and compiled on first use in each silo).
/// </summary>
public sealed class StateMachineCatalog
{
    internal const string DefinitionsKey = "definitions";

    /// <summary>Gets the key of the registry grain that indexes a machine's instances.</summary>
    internal static string InstancesKey(string machine) => "instances:" + machine;

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
    /// <returns>The machine.</returns>
    /// <exception cref="AosValidationException">The definition is invalid, or its name is taken by a template, a machine defined in code, or another registered definition.</exception>
    public async Task<StateMachine> RegisterAsync(StateMachineDefinition definition)
    {
        var machine = StateMachine.Create(definition, Hooks);
        if (_builtIn.ContainsKey(machine.Name))
        {
            throw new AosValidationException($"The state machine '{machine.Name}' is defined by AOS or in code and cannot be replaced; register yours under another name.") { Field = "name" };
        }

        if (!await Registry.PutDefinitionAsync(machine.Name, StateMachineJson.Write(definition)))
        {
            throw new AosValidationException($"A different state machine named '{machine.Name}' is registered already; definitions do not change once registered, so register this one under a new name, such as '{machine.Name}-v2'.") { Field = "name" };
        }

        return _registered.GetOrAdd(machine.Name, machine);
    }

    /// <summary>Gets a machine by name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The machine.</returns>
    /// <exception cref="StateMachineNotFoundException">No machine has that name.</exception>
    public async Task<StateMachine> GetAsync(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_builtIn.TryGetValue(name, out var machine) || _registered.TryGetValue(name, out machine))
        {
            return machine;
        }

        var json = await Registry.GetDefinitionAsync(name)
            ?? throw new StateMachineNotFoundException($"There is no state machine '{name}'; register it first (POST /v1/state-machines) or use a template: decision, incident.");
        return _registered.GetOrAdd(name, StateMachine.Create(StateMachineJson.Read(json), Hooks));
    }

    /// <summary>Lists every machine: templates and code first, then the ones registered at run time.</summary>
    /// <returns>The definitions, by name.</returns>
    public async Task<IReadOnlyList<StateMachineDefinition>> ListAsync()
    {
        var names = await Registry.ListDefinitionsAsync();
        var registered = new List<StateMachineDefinition>(names.Length);
        foreach (var name in names)
        {
            registered.Add((await GetAsync(name)).Definition);
        }

        return [.. _builtIn.Values.Select(m => m.Definition).OrderBy(d => d.Name, StringComparer.Ordinal), .. registered];
    }

    private IStateMachineRegistryGrain Registry => _grains.GetGrain<IStateMachineRegistryGrain>(DefinitionsKey);
}
