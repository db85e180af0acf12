using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.StateMachines;

namespace Aos.Server.Contracts;

/// <summary>The body of <c>POST /v1/state-machines/{name}/instances</c>.</summary>
/// <param name="Id">The instance id; a new one when absent.</param>
/// <param name="Context">The initial context, a JSON object.</param>
/// <param name="Actor">Leave it out: the actor recorded is the authenticated caller, and any other name is refused (400).</param>
public sealed record StartInstanceRequest(string? Id, JsonObject? Context, string? Actor);

/// <summary>The body of <c>POST /v1/state-machines/{name}/instances/{id}/events</c>.</summary>
/// <param name="Event">The event.</param>
/// <param name="Data">The event's data, a JSON object merged into the context.</param>
/// <param name="Actor">Leave it out: the actor recorded is the authenticated caller, and any other name is refused (400).</param>
public sealed record FireEventRequest(string? Event, JsonObject? Data, string? Actor);

/// <summary>The body of <c>POST /v1/state-machines/{name}/instances/{id}/rollback</c>.</summary>
/// <param name="Snapshot">The snapshot id, such as <c>s1</c>.</param>
/// <param name="Actor">Leave it out: the actor recorded is the authenticated caller, and any other name is refused (400).</param>
public sealed record RollbackRequest(string? Snapshot, string? Actor);

/// <summary>A state machine instance over HTTP.</summary>
public sealed record StateMachineInstanceView
{
    /// <summary>Gets the instance id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the machine's name.</summary>
    public required string Machine { get; init; }

    /// <summary>Gets the tenant the instance belongs to.</summary>
    public required string Tenant { get; init; }

    /// <summary>Gets the current state.</summary>
    public required string State { get; init; }

    /// <summary>Gets whether the instance reached a terminal state.</summary>
    public bool Completed { get; init; }

    /// <summary>Gets the context.</summary>
    public required JsonElement Context { get; init; }

    /// <summary>Gets the newest transitions taken (at most 1,000), oldest first.</summary>
    public required IReadOnlyList<StateMachineTransition> History { get; init; }

    /// <summary>Gets how many transitions the instance has taken in all.</summary>
    public long Transitions { get; init; }

    /// <summary>Gets the snapshots (id, time, state).</summary>
    public required IReadOnlyList<SnapshotView> Snapshots { get; init; }

    /// <summary>Gets when the current state's timeout fires.</summary>
    public DateTimeOffset? TimeoutAt { get; init; }

    /// <summary>Gets when the instance was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets its version, incremented by every change.</summary>
    public long Version { get; init; }

    /// <summary>Creates the view of an instance.</summary>
    /// <param name="instance">The instance.</param>
    /// <returns>The view.</returns>
    public static StateMachineInstanceView From(StateMachineInstance instance) => new()
    {
        Id = instance.Id,
        Machine = instance.Machine,
        Tenant = instance.Tenant,
        State = instance.State,
        Completed = instance.Completed,
        Context = JsonElement.Parse(instance.Context),
        History = instance.History,
        Transitions = instance.Transitions,
        Snapshots = [.. instance.Snapshots.Select(s => new SnapshotView(s.Id, s.At, s.State))],
        TimeoutAt = instance.TimeoutAt,
        CreatedAt = instance.CreatedAt,
        UpdatedAt = instance.UpdatedAt,
        Version = instance.Version,
    };
}

/// <summary>A snapshot of an instance, without its context.</summary>
/// <param name="Id">The snapshot id.</param>
/// <param name="At">When it was taken.</param>
/// <param name="State">The state then.</param>
public sealed record SnapshotView(string Id, DateTimeOffset At, string State);

/// <summary>A page of instances.</summary>
/// <param name="Items">The instances.</param>
/// <param name="Next">The cursor for the next page (<c>?after=</c>), or <see langword="null"/> after the last.</param>
public sealed record StateMachineInstanceListResponse(IReadOnlyList<StateMachineInstanceView> Items, string? Next);
