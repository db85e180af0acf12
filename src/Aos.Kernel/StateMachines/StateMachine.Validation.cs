using Aos.StateMachines;

namespace Aos.Kernel.StateMachines;

public sealed partial class StateMachine
{
    private static void Validate(StateMachineDefinition definition, StateMachineHooks hooks)
    {
        if (definition.Name is null || !NamePattern().IsMatch(definition.Name))
        {
            throw Invalid("name", $"The state machine name '{definition.Name}' is invalid: use 1–128 letters, digits, '.', '-' or '_', starting with a letter or digit.");
        }

        var where = $"State machine '{definition.Name}'";
        if (definition.States is null || definition.States.Count == 0)
        {
            throw Invalid("states", $"{where} has no states; declare at least the initial one.");
        }

        var states = new Dictionary<string, StateDefinition>(StringComparer.Ordinal);
        for (var i = 0; i < definition.States.Count; i++)
        {
            var state = definition.States[i];
            if (state?.Name is null || !NamePattern().IsMatch(state.Name))
            {
                throw Invalid($"states[{i}]", $"{where}: state {i} has an invalid name '{state?.Name}'; use letters, digits, '.', '-' or '_'.");
            }

            if (!states.TryAdd(state.Name, state))
            {
                throw Invalid($"states[{i}]", $"{where}: the state '{state.Name}' is declared twice.");
            }

            if (state.Timeout is { } timeout && timeout <= TimeSpan.Zero)
            {
                throw Invalid($"states[{i}].timeout", $"{where}: the timeout of state '{state.Name}' is {timeout}; it must be positive.");
            }

            if (state.Terminal && state.Timeout is not null)
            {
                throw Invalid($"states[{i}].timeout", $"{where}: the terminal state '{state.Name}' has a timeout; a terminal state accepts no events, so remove it.");
            }

            foreach (var (hook, field) in new[] { (state.OnEnter, "onEnter"), (state.OnExit, "onExit") })
            {
                if (hook is not null && !hooks.TryGetHook(hook, out _))
                {
                    throw Invalid($"states[{i}].{field}", $"{where}: state '{state.Name}' names the hook '{hook}' in {field}, which is not registered; register it with StateMachineHooks.AddHook.");
                }
            }
        }

        if (definition.InitialState is null || !states.ContainsKey(definition.InitialState))
        {
            throw Invalid("initialState", $"{where}: the initial state '{definition.InitialState}' is not declared; declared: {string.Join(", ", states.Keys)}.");
        }

        var transitions = definition.Transitions ?? [];
        for (var i = 0; i < transitions.Count; i++)
        {
            var transition = transitions[i];
            var field = $"transitions[{i}]";
            if (transition is null || string.IsNullOrWhiteSpace(transition.Event))
            {
                throw Invalid(field, $"{where}: transition {i} has no event.");
            }

            if (transition.From is null || !states.TryGetValue(transition.From, out var from))
            {
                throw Invalid($"{field}.from", $"{where}: transition {transition} leaves the undeclared state '{transition.From}'.");
            }

            if (transition.To is null || !states.ContainsKey(transition.To))
            {
                throw Invalid($"{field}.to", $"{where}: transition {transition} enters the undeclared state '{transition.To}'.");
            }

            if (from.Terminal)
            {
                throw Invalid(field, $"{where}: transition {transition} leaves the terminal state '{from.Name}', which accepts no events.");
            }

            if (transition.Guard is not null && GuardEvaluator.Problem(transition.Guard) is { } problem)
            {
                throw Invalid($"{field}.guard", $"{where}: the guard of transition {transition} is invalid: {problem}");
            }

            if (transition.GuardName is not null && !hooks.TryGetGuard(transition.GuardName, out _))
            {
                throw Invalid($"{field}.guardName", $"{where}: transition {transition} names the guard '{transition.GuardName}', which is not registered; register it with StateMachineHooks.AddGuard.");
            }

            if (transition.Action is not null && !hooks.TryGetHook(transition.Action, out _))
            {
                throw Invalid($"{field}.action", $"{where}: transition {transition} names the action '{transition.Action}', which is not registered; register it with StateMachineHooks.AddHook.");
            }
        }

        foreach (var state in definition.States.Where(s => s.Timeout is not null))
        {
            var timeoutEvent = StateMachineDefinition.TimeoutEvent(state.Name);
            if (!transitions.Any(t => t.From == state.Name && t.Event == timeoutEvent))
            {
                throw Invalid("transitions", $"{where}: state '{state.Name}' has a timeout but no transition on '{timeoutEvent}'; add one (an escalation, say) or remove the timeout.");
            }
        }
    }

    private static AosValidationException Invalid(string field, string message) => new(message) { Field = field };
}
