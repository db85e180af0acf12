using Aos.Security;

namespace Aos.StateMachines;

/// <summary>Represents one instance of a state machine: where it stands, its context, its history, its snapshots and its timer.</summary>
/// <remarks>An instance is immutable: every accepted event produces a new one; a refused event leaves it as it was.</remarks>
[GenerateSerializer, Immutable, Alias("aos.sm-instance")]
public sealed record StateMachineInstance
{
    /// <summary>Gets the instance id, unique per machine within its tenant.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>Gets the machine's name.</summary>
    [Id(1)] public required string Machine { get; init; }

    /// <summary>Gets the current state.</summary>
    [Id(2)] public required string State { get; init; }

    /// <summary>Gets a value indicating whether the instance reached a terminal state.</summary>
    [Id(3)] public bool Completed { get; init; }

    /// <summary>Gets the context as a JSON object: the event data merged in so far, and what actions wrote.</summary>
    [Id(4)] public string Context { get; init; } = "{}";

    /// <summary>Gets the newest transitions taken (at most 1,000), oldest first.</summary>
    [Id(5)] public StateMachineTransition[] History { get; init; } = [];

    /// <summary>Gets the snapshots taken, oldest first.</summary>
    [Id(6)] public StateMachineSnapshot[] Snapshots { get; init; } = [];

    /// <summary>Gets when the current state's timeout fires, if it has one.</summary>
    [Id(7)] public DateTimeOffset? TimeoutAt { get; init; }

    /// <summary>Gets when the instance was created.</summary>
    [Id(8)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the instance last changed.</summary>
    [Id(9)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets the version, incremented by every change.</summary>
    [Id(10)] public long Version { get; init; }

    /// <summary>Gets how many transitions the instance has taken in all, including those no longer in <see cref="History"/>.</summary>
    [Id(11)] public long Transitions { get; init; }

    /// <summary>Gets the tenant the instance belongs to; only its principals reach it.</summary>
    /// <value>The default is <see cref="AosTenants.Default"/>, which instances stored before tenants reached state machines keep.</value>
    [Id(12)] public string Tenant { get; init; } = AosTenants.Default;
}

/// <summary>Records one transition of an instance.</summary>
/// <param name="From">The state it left.</param>
/// <param name="To">The state it entered.</param>
/// <param name="Event">The event: a caller's, <c>&lt;state&gt;_timeout</c>, or <c>rollback</c>.</param>
/// <param name="At">When.</param>
/// <param name="Actor">Who: the caller, <c>timer</c> for a timeout.</param>
/// <param name="Kind"><c>transition</c>, <c>escalation</c> or <c>rollback</c>.</param>
[GenerateSerializer, Immutable, Alias("aos.sm-transition")]
public sealed record StateMachineTransition(
    [property: Id(0)] string From,
    [property: Id(1)] string To,
    [property: Id(2)] string Event,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Actor,
    [property: Id(5)] string Kind);

/// <summary>A saved point of an instance that it can be rolled back to.</summary>
/// <param name="Id">The snapshot id.</param>
/// <param name="At">When it was taken.</param>
/// <param name="State">The state then.</param>
/// <param name="Context">The context then.</param>
[GenerateSerializer, Immutable, Alias("aos.sm-snapshot")]
public sealed record StateMachineSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string State,
    [property: Id(3)] string Context);

/// <summary>The kinds of <see cref="StateMachineTransition"/>.</summary>
public static class TransitionKinds
{
    /// <summary>A transition taken on an event.</summary>
    public const string Transition = "transition";

    /// <summary>A transition marked as an escalation (typically on a timeout).</summary>
    public const string Escalation = "escalation";

    /// <summary>A rollback to a snapshot.</summary>
    public const string Rollback = "rollback";
}
