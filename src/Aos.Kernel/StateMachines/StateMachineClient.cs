using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aos.Security;
using Aos.StateMachines;

namespace Aos.Kernel.StateMachines;

/// <summary>Registers state machines and creates, drives and reads their instances: the front door the HTTP API and agents use.</summary>
/// <remarks>
/// Every call acts in a tenant. Each tenant has its own namespace of instances (the grain key is <see cref="AosTenants.Scope"/> of
/// <c>&lt;machine&gt;/&lt;id&gt;</c>), so two tenants may both have an instance <c>case-1</c>, and another tenant's instance is as missing
/// as one that never existed.
/// </remarks>
public sealed partial class StateMachineClient(IGrainFactory grains, StateMachineCatalog catalog, TimeProvider timeProvider)
{
    /// <summary>The most instances one list call returns.</summary>
    public const int MaxPageSize = 1_000;

    /// <summary>Gets the catalog of machines.</summary>
    public StateMachineCatalog Catalog => catalog;

    /// <summary>Validates and registers a machine given as JSON.</summary>
    /// <param name="json">The definition.</param>
    /// <param name="tenant">The tenant it belongs to.</param>
    /// <returns>The machine.</returns>
    /// <exception cref="AosValidationException">The definition is invalid; the message says where.</exception>
    public Task<StateMachine> RegisterAsync(string json, string tenant = AosTenants.Default) => catalog.RegisterAsync(StateMachineJson.Read(json), tenant);

    /// <summary>Creates an instance in the machine's initial state.</summary>
    /// <param name="machine">The machine's name.</param>
    /// <param name="id">The instance id, or <see langword="null"/> for a new one.</param>
    /// <param name="context">The initial context.</param>
    /// <param name="actor">Who creates it.</param>
    /// <param name="tenant">The tenant it belongs to.</param>
    /// <returns>The instance.</returns>
    public async Task<StateMachineInstance> StartAsync(string machine, string? id, JsonObject? context, string actor, string tenant = AosTenants.Default)
    {
        await catalog.GetAsync(machine, tenant);
        id ??= Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N");
        if (!IdPattern().IsMatch(id))
        {
            throw new AosValidationException($"The instance id '{id}' is invalid: use 1–128 letters, digits, '.', '-' or '_'.") { Field = "id" };
        }

        return await Grain(machine, id, tenant).StartAsync(context?.ToJsonString(), actor);
    }

    /// <summary>Sends an event to an instance.</summary>
    /// <param name="machine">The machine's name.</param>
    /// <param name="id">The instance id.</param>
    /// <param name="eventName">The event.</param>
    /// <param name="data">The event's data.</param>
    /// <param name="actor">Who sends it.</param>
    /// <param name="tenant">The tenant that sends it.</param>
    /// <returns>The instance after the transition.</returns>
    /// <exception cref="TransitionRefusedException">The event was refused; nothing changed.</exception>
    /// <exception cref="StateMachineNotFoundException">The tenant has no such instance.</exception>
    public Task<StateMachineInstance> FireAsync(string machine, string id, string eventName, JsonObject? data, string actor, string tenant = AosTenants.Default) =>
        Grain(machine, id, tenant).FireAsync(eventName, data?.ToJsonString(), actor);

    /// <summary>Gets an instance.</summary>
    /// <param name="machine">The machine's name.</param>
    /// <param name="id">The instance id.</param>
    /// <param name="tenant">The tenant that asks.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="StateMachineNotFoundException">The tenant has no such instance.</exception>
    public async Task<StateMachineInstance> GetAsync(string machine, string id, string tenant = AosTenants.Default) =>
        await Grain(machine, id, tenant).GetAsync()
        ?? throw new StateMachineNotFoundException($"There is no instance '{id}' of the state machine '{machine}'.");

    /// <summary>Lists a tenant's instances of a machine by id.</summary>
    /// <param name="machine">The machine's name.</param>
    /// <param name="after">The last id of the previous page, or <see langword="null"/>.</param>
    /// <param name="limit">The page size, 1 to <see cref="MaxPageSize"/>.</param>
    /// <param name="tenant">The tenant that asks.</param>
    /// <returns>The instances, and the cursor of the next page (<see langword="null"/> after the last).</returns>
    public async Task<(IReadOnlyList<StateMachineInstance> Items, string? Next)> ListAsync(string machine, string? after, int limit, string tenant = AosTenants.Default)
    {
        await catalog.GetAsync(machine, tenant);
        if (limit is < 1 or > MaxPageSize)
        {
            throw new AosValidationException($"The limit is {limit}; it must be between 1 and {MaxPageSize}.") { Field = "limit" };
        }

        var ids = await grains.GetGrain<IStateMachineRegistryGrain>(StateMachineCatalog.InstancesKey(machine, tenant)).ListInstancesAsync(after, limit);
        var instances = await Task.WhenAll(ids.Select(id => Grain(machine, id, tenant).GetAsync()));

        // An id listed by a start that crashed before storing its instance is skipped, but still moves the cursor.
        return ([.. instances.OfType<StateMachineInstance>()], ids.Length == limit ? ids[^1] : null);
    }

    /// <summary>Takes a snapshot of an instance.</summary>
    /// <param name="machine">The machine's name.</param>
    /// <param name="id">The instance id.</param>
    /// <param name="tenant">The tenant that asks.</param>
    /// <returns>The instance; the snapshot is its last.</returns>
    /// <exception cref="StateMachineNotFoundException">The tenant has no such instance.</exception>
    public Task<StateMachineInstance> SnapshotAsync(string machine, string id, string tenant = AosTenants.Default) => Grain(machine, id, tenant).SnapshotAsync();

    /// <summary>Rolls an instance back to a snapshot.</summary>
    /// <param name="machine">The machine's name.</param>
    /// <param name="id">The instance id.</param>
    /// <param name="snapshotId">The snapshot.</param>
    /// <param name="actor">Who rolls back.</param>
    /// <param name="tenant">The tenant that rolls back.</param>
    /// <returns>The instance after the rollback.</returns>
    /// <exception cref="StateMachineNotFoundException">The tenant has no such instance.</exception>
    public Task<StateMachineInstance> RollbackAsync(string machine, string id, string snapshotId, string actor, string tenant = AosTenants.Default) =>
        Grain(machine, id, tenant).RollbackAsync(snapshotId, actor);

    private IStateMachineGrain Grain(string machine, string id, string tenant) =>
        grains.GetGrain<IStateMachineGrain>(AosTenants.Scope(tenant, machine + "/" + id));

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex IdPattern();
}
