using Aos.StateMachines;

namespace Aos.Kernel.StateMachines;

/// <summary>
/// Hosts one state machine instance, keyed <c>AosTenants.Scope(tenant, "&lt;machine&gt;/&lt;instance id&gt;")</c>: persists it and fires its
/// timeouts.
/// </summary>
/// <remarks>Every call returns after the instance's new state is durable. JSON travels as text.</remarks>
[Alias("aos.sm")]
public interface IStateMachineGrain : IGrainWithStringKey
{
    /// <summary>Creates the instance in its machine's initial state.</summary>
    /// <param name="context">The initial context as a JSON object, or <see langword="null"/>.</param>
    /// <param name="actor">Who creates it.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="StateMachineInstanceExistsException">The instance exists already.</exception>
    [Alias("start")]
    Task<StateMachineInstance> StartAsync(string? context, string actor);

    /// <summary>Applies an event.</summary>
    /// <param name="eventName">The event.</param>
    /// <param name="data">The event's data as a JSON object, or <see langword="null"/>.</param>
    /// <param name="actor">Who sends it.</param>
    /// <returns>The instance after the transition.</returns>
    /// <exception cref="TransitionRefusedException">The event was refused; nothing changed.</exception>
    [Alias("fire")]
    Task<StateMachineInstance> FireAsync(string eventName, string? data, string actor);

    /// <summary>Gets the instance, or <see langword="null"/> when it does not exist.</summary>
    /// <returns>The instance.</returns>
    [Alias("get")]
    Task<StateMachineInstance?> GetAsync();

    /// <summary>Takes a snapshot of the instance's state and context.</summary>
    /// <returns>The instance; the new snapshot is its last.</returns>
    [Alias("snapshot")]
    Task<StateMachineInstance> SnapshotAsync();

    /// <summary>Rolls the instance back to a snapshot.</summary>
    /// <param name="snapshotId">The snapshot.</param>
    /// <param name="actor">Who rolls back.</param>
    /// <returns>The instance after the rollback.</returns>
    [Alias("rollback")]
    Task<StateMachineInstance> RollbackAsync(string snapshotId, string actor);

    /// <summary>Fires the current state's timeout if it is due; called by the instance's own timer and reminder.</summary>
    /// <returns>A task that completes when the timeout is handled.</returns>
    [Alias("timeout")]
    Task FireDueTimeoutAsync();
}

/// <summary>Keeps the state machine definitions registered at run time (as JSON, by tenant-scoped name) and the instance ids of each tenant's machine.</summary>
[Alias("aos.sm-registry")]
public interface IStateMachineRegistryGrain : IGrainWithStringKey
{
    /// <summary>Stores a definition's JSON under its name, unless another definition has that name.</summary>
    /// <returns><see langword="true"/> when stored (or the same JSON was stored before); <see langword="false"/> when the name is taken.</returns>
    [Alias("put")]
    Task<bool> PutDefinitionAsync(string name, string json);

    /// <summary>Gets a definition's JSON, or <see langword="null"/>.</summary>
    [Alias("get")]
    Task<string?> GetDefinitionAsync(string name);

    /// <summary>Lists the names of the stored definitions.</summary>
    [Alias("names")]
    Task<string[]> ListDefinitionsAsync();

    /// <summary>Records an instance of the machine this grain indexes.</summary>
    [Alias("add-instance")]
    Task AddInstanceAsync(string id);

    /// <summary>Removes an instance of the machine this grain indexes, once the instance is forgotten.</summary>
    [Alias("remove-instance")]
    Task RemoveInstanceAsync(string id);

    /// <summary>Lists the machine's instance ids in order, after a cursor.</summary>
    [Alias("instances")]
    Task<string[]> ListInstancesAsync(string? after, int limit);
}
