namespace Aos.StateMachines;

/// <summary>Describes a state machine: its states, the initial one, and the transitions between them.</summary>
/// <remarks>
/// A definition is data: it is written in code with <c>StateMachineBuilder</c> or in JSON, validated when it is registered, and
/// refers to hooks, actions and guards by name (named ones are registered in code). Each state may have a timeout: when an
/// instance stays in it that long, the event <c>&lt;state&gt;_timeout</c> fires by itself.
/// </remarks>
public sealed record StateMachineDefinition
{
    /// <summary>Gets the machine's name, unique in a node: letters, digits, <c>.</c>, <c>-</c> and <c>_</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what the machine is for.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the state a new instance starts in.</summary>
    public required string InitialState { get; init; }

    /// <summary>Gets the states.</summary>
    public required IReadOnlyList<StateDefinition> States { get; init; }

    /// <summary>Gets the transitions, in order: when several match an event, the first whose guard passes is taken.</summary>
    public required IReadOnlyList<TransitionDefinition> Transitions { get; init; }

    /// <summary>Gets the name of the event a state's timeout fires.</summary>
    /// <param name="state">The state.</param>
    /// <returns><c>&lt;state&gt;_timeout</c>.</returns>
    public static string TimeoutEvent(string state) => state + "_timeout";
}

/// <summary>Describes one state of a state machine.</summary>
public sealed record StateDefinition
{
    /// <summary>Gets the state's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets a value indicating whether the state is terminal: an instance in it accepts no event.</summary>
    public bool Terminal { get; init; }

    /// <summary>Gets how long an instance may stay in the state before <c>&lt;state&gt;_timeout</c> fires, if it has a timeout.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gets the name of the hook run when an instance enters the state.</summary>
    public string? OnEnter { get; init; }

    /// <summary>Gets the name of the hook run when an instance leaves the state.</summary>
    public string? OnExit { get; init; }
}

/// <summary>Describes a transition: on <see cref="Event"/> in <see cref="From"/>, if the guard passes, run the action and go to <see cref="To"/>.</summary>
public sealed record TransitionDefinition
{
    /// <summary>Gets the state the transition leaves.</summary>
    public required string From { get; init; }

    /// <summary>Gets the event that triggers it.</summary>
    public required string Event { get; init; }

    /// <summary>Gets the state the transition enters (the same state for a self-transition).</summary>
    public required string To { get; init; }

    /// <summary>Gets the condition on the instance's context (with the event's data merged in) that must hold, if any.</summary>
    public GuardCondition? Guard { get; init; }

    /// <summary>Gets the name of a guard registered in code that must pass, if any (checked after <see cref="Guard"/>).</summary>
    public string? GuardName { get; init; }

    /// <summary>Gets the name of the action run between the exit and enter hooks.</summary>
    public string? Action { get; init; }

    /// <summary>Gets a value indicating whether the transition is an escalation (recorded as such in the history).</summary>
    public bool Escalation { get; init; }

    /// <summary>Describes the transition for messages: <c>from --event--&gt; to</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{From} --{Event}--> {To}";
}

/// <summary>A condition on an instance's context, written as data: a comparison of one field, or a combination of conditions.</summary>
/// <remarks>
/// A comparison names a <see cref="Field"/> (a dotted path into the context), an <see cref="Op"/> and, except for
/// <c>exists</c>, a <see cref="Value"/>: <c>eq</c>, <c>ne</c>, <c>lt</c>, <c>le</c>, <c>gt</c>, <c>ge</c> (numbers and strings), <c>exists</c>.
/// A combination sets <see cref="All"/> or <see cref="Any"/> instead.
/// </remarks>
public sealed record GuardCondition
{
    /// <summary>Gets the dotted path of the compared field.</summary>
    public string? Field { get; init; }

    /// <summary>Gets the comparison.</summary>
    public string? Op { get; init; }

    /// <summary>Gets the value compared with.</summary>
    public System.Text.Json.JsonElement? Value { get; init; }

    /// <summary>Gets conditions that must all hold.</summary>
    public IReadOnlyList<GuardCondition>? All { get; init; }

    /// <summary>Gets conditions of which one must hold.</summary>
    public IReadOnlyList<GuardCondition>? Any { get; init; }

    /// <summary>Describes the condition for messages.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        All is not null ? "all(" + string.Join(", ", All) + ")"
        : Any is not null ? "any(" + string.Join(", ", Any) + ")"
        : Op == "exists" ? $"{Field} exists" : $"{Field} {Op} {Value?.GetRawText()}";
}
