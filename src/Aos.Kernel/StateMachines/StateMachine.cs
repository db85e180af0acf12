using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aos.StateMachines;

namespace Aos.Kernel.StateMachines;

/// <summary>
/// A validated state machine definition with its hooks resolved: it starts instances and moves them from state to state.
/// </summary>
/// <remarks>
/// <para>
/// An event is taken by the first transition from the current state on that event whose guards pass; the hooks then run in the
/// order exit(old) → action → enter(new), the event's data is merged into the context (top-level fields replace), and the history
/// records from, to, event, time and actor. An event not allowed in the current state, one whose every guard is false, any event
/// in a terminal state, and one whose hook throws are refused with <see cref="TransitionRefusedException"/>, and nothing changes.
/// </para>
/// <para>All members are pure: they take the instance and the time, and return a new instance. Persistence and timers are the grain's.</para>
/// </remarks>
public sealed partial class StateMachine
{
    /// <summary>The actor recorded for a state's timeout.</summary>
    public const string TimerActor = "timer";

    /// <summary>How many transitions an instance's history keeps (the newest); <see cref="StateMachineInstance.Transitions"/> counts them all.</summary>
    /// <remarks>A perpetual instance (one that loops, or escalates in place every hour) must not grow without bound.</remarks>
    public const int HistoryLimit = 1_000;

    private readonly Dictionary<string, StateDefinition> _states;
    private readonly StateMachineHooks _hooks;

    private StateMachine(StateMachineDefinition definition, StateMachineHooks hooks)
    {
        Definition = definition;
        _hooks = hooks;
        _states = definition.States.ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    /// <summary>Gets the definition.</summary>
    public StateMachineDefinition Definition { get; }

    /// <summary>Gets the machine's name.</summary>
    public string Name => Definition.Name;

    /// <summary>Validates a definition and resolves its named hooks and guards.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="hooks">The named hooks and guards it may refer to.</param>
    /// <returns>The machine.</returns>
    /// <exception cref="AosValidationException">The definition is invalid; the message names the state or transition at fault.</exception>
    public static StateMachine Create(StateMachineDefinition definition, StateMachineHooks? hooks = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        hooks ??= new StateMachineHooks();
        Validate(definition, hooks);
        return new StateMachine(definition, hooks);
    }

    /// <summary>Starts an instance in the initial state, running its enter hook.</summary>
    /// <param name="id">The instance id.</param>
    /// <param name="context">The initial context, or <see langword="null"/> for an empty one.</param>
    /// <param name="actor">Who starts it.</param>
    /// <param name="now">The time.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The new instance.</returns>
    public async ValueTask<StateMachineInstance> StartAsync(string id, JsonObject? context, string actor, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var initial = _states[Definition.InitialState];
        var working = context?.DeepClone().AsObject() ?? [];
        var start = new TransitionDefinition { From = initial.Name, Event = "start", To = initial.Name };
        if (initial.OnEnter is { } enter)
        {
            await RunAsync(enter, new StateMachineHookContext(id, Name, start, working, context, actor, now), "start", initial.Name, cancellationToken).ConfigureAwait(false);
        }

        return new StateMachineInstance
        {
            Id = id,
            Machine = Name,
            State = initial.Name,
            Completed = initial.Terminal,
            Context = working.ToJsonString(),
            TimeoutAt = now + initial.Timeout,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
    }

    /// <summary>Applies an event to an instance.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="event">The event.</param>
    /// <param name="data">The event's data, merged into the context, or <see langword="null"/>.</param>
    /// <param name="actor">Who sent the event.</param>
    /// <param name="now">The time.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The instance after the transition.</returns>
    /// <exception cref="TransitionRefusedException">The event is refused; the message says why. The instance did not change.</exception>
    public async ValueTask<StateMachineInstance> FireAsync(StateMachineInstance instance, string @event, JsonObject? data, string actor, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentException.ThrowIfNullOrWhiteSpace(@event);
        var state = instance.State;
        if (instance.Completed || _states[state].Terminal)
        {
            throw Refused(instance, @event, $"Instance '{instance.Id}' of '{Name}' is in the terminal state '{state}'; it accepts no events.");
        }

        var candidates = Definition.Transitions.Where(t => t.From == state && t.Event == @event).ToList();
        if (candidates.Count == 0)
        {
            var allowed = Definition.Transitions.Where(t => t.From == state).Select(t => t.Event).Distinct().ToList();
            throw Refused(instance, @event, $"Event '{@event}' is not allowed in state '{state}' of '{Name}'; allowed there: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed))}.");
        }

        var working = JsonNode.Parse(instance.Context)!.AsObject();
        if (data is not null)
        {
            foreach (var (key, value) in data)
            {
                working[key] = value?.DeepClone();
            }
        }

        TransitionDefinition? chosen = null;
        foreach (var candidate in candidates)
        {
            var check = new StateMachineHookContext(instance.Id, Name, candidate, working, data, actor, now);
            if ((candidate.Guard is null || GuardEvaluator.Holds(candidate.Guard, working))
                && (candidate.GuardName is null || _hooks.TryGetGuard(candidate.GuardName, out var guard) && guard(check)))
            {
                chosen = candidate;
                break;
            }
        }

        if (chosen is null)
        {
            var guards = string.Join("; ", candidates.Select(c => $"{c}: {c.Guard?.ToString() ?? c.GuardName}"));
            throw Refused(instance, @event, $"Event '{@event}' in state '{state}' of '{Name}' matched no transition: every guard was false ({guards}).");
        }

        var context = new StateMachineHookContext(instance.Id, Name, chosen, working, data, actor, now);
        if (_states[state].OnExit is { } exit)
        {
            await RunAsync(exit, context, @event, state, cancellationToken).ConfigureAwait(false);
        }

        if (chosen.Action is { } action)
        {
            await RunAsync(action, context, @event, state, cancellationToken).ConfigureAwait(false);
        }

        var target = _states[chosen.To];
        if (target.OnEnter is { } enter)
        {
            await RunAsync(enter, context, @event, state, cancellationToken).ConfigureAwait(false);
        }

        return instance with
        {
            State = target.Name,
            Completed = target.Terminal,
            Context = working.ToJsonString(),
            History = Append(instance.History, new StateMachineTransition(state, target.Name, @event, now, actor, chosen.Escalation ? TransitionKinds.Escalation : TransitionKinds.Transition)),
            Transitions = instance.Transitions + 1,
            TimeoutAt = target.Terminal ? null : now + target.Timeout,
            UpdatedAt = now,
            Version = instance.Version + 1,
        };
    }

    /// <summary>Fires the current state's timeout if it is due.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="now">The time.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The instance after the timeout's transition; the same instance when nothing is due.</returns>
    /// <exception cref="TransitionRefusedException">The timeout's transition was refused (its guards were false or a hook threw).</exception>
    public ValueTask<StateMachineInstance> FireDueTimeoutAsync(StateMachineInstance instance, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance.TimeoutAt is { } due && due <= now && !instance.Completed
            ? FireAsync(instance, StateMachineDefinition.TimeoutEvent(instance.State), null, TimerActor, now, cancellationToken)
            : ValueTask.FromResult(instance);
    }

    /// <summary>Saves the instance's state and context as a snapshot it can be rolled back to.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="now">The time.</param>
    /// <returns>The instance with the snapshot added; its id is the last snapshot's.</returns>
    public static StateMachineInstance Snapshot(StateMachineInstance instance, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var snapshot = new StateMachineSnapshot("s" + (instance.Snapshots.Length + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), now, instance.State, instance.Context);
        return instance with { Snapshots = [.. instance.Snapshots, snapshot], UpdatedAt = now, Version = instance.Version + 1 };
    }

    /// <summary>Puts the instance back in a snapshot's state and context, with a fresh timeout for that state.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="snapshotId">The snapshot.</param>
    /// <param name="actor">Who rolls back.</param>
    /// <param name="now">The time.</param>
    /// <returns>The instance after the rollback, recorded in its history as a <c>rollback</c>.</returns>
    /// <exception cref="AosValidationException">The instance has no such snapshot.</exception>
    public StateMachineInstance Rollback(StateMachineInstance instance, string snapshotId, string actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var snapshot = instance.Snapshots.FirstOrDefault(s => s.Id == snapshotId)
            ?? throw new AosValidationException($"Instance '{instance.Id}' of '{Name}' has no snapshot '{snapshotId}'; it has: {(instance.Snapshots.Length == 0 ? "none" : string.Join(", ", instance.Snapshots.Select(s => s.Id)))}.") { Field = "snapshot" };
        var state = _states[snapshot.State];
        return instance with
        {
            State = state.Name,
            Completed = state.Terminal,
            Context = snapshot.Context,
            History = Append(instance.History, new StateMachineTransition(instance.State, state.Name, "rollback:" + snapshot.Id, now, actor, TransitionKinds.Rollback)),
            Transitions = instance.Transitions + 1,
            TimeoutAt = state.Terminal ? null : now + state.Timeout,
            UpdatedAt = now,
            Version = instance.Version + 1,
        };
    }

    private static StateMachineTransition[] Append(StateMachineTransition[] history, StateMachineTransition transition) =>
        history.Length < HistoryLimit ? [.. history, transition] : [.. history.AsSpan(history.Length - HistoryLimit + 1), transition];

    private async ValueTask RunAsync(string name, StateMachineHookContext context, string @event, string state, CancellationToken cancellationToken)
    {
        _hooks.TryGetHook(name, out var hook);
        try
        {
            await hook(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new TransitionRefusedException($"Event '{@event}' in state '{state}' of '{Name}' was refused: hook '{name}' failed ({ex.GetType().Name}: {ex.Message}). Nothing changed.", ex)
            {
                State = state,
                Event = @event,
            };
        }
    }

    private static TransitionRefusedException Refused(StateMachineInstance instance, string @event, string message) =>
        new(message) { State = instance.State, Event = @event };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex NamePattern();
}
