using Aos.StateMachines;

namespace Aos.Kernel.StateMachines;

/// <summary>Writes a state machine in code.</summary>
/// <example>
/// <code>
/// var machine = new StateMachineBuilder("expense")
///     .State("submitted", s => s.Timeout(TimeSpan.FromDays(2)))
///     .State("approved", s => s.Terminal())
///     .State("escalated")
///     .Transition("submitted", "approve", "approved", t => t.When(c => (decimal?)c.Context["amount"] &lt;= 1000))
///     .Transition("submitted", "submitted_timeout", "escalated", t => t.Escalation().Do(StateMachineHooks.Escalate))
///     .Build();
/// </code>
/// The first state declared is the initial one unless <see cref="InitialState"/> says otherwise. Lambdas become hooks and guards
/// of this machine; names refer to hooks registered in the <see cref="StateMachineHooks"/> given to <see cref="Build"/>.
/// </example>
public sealed class StateMachineBuilder
{
    private readonly string _name;
    private readonly List<StateDefinition> _states = [];
    private readonly List<TransitionDefinition> _transitions = [];
    private readonly List<Action<StateMachineHooks>> _registrations = [];
    private string? _initial;
    private string? _description;

    /// <summary>Initializes a new instance of the <see cref="StateMachineBuilder"/> class.</summary>
    /// <param name="name">The machine's name.</param>
    public StateMachineBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
    }

    /// <summary>Describes what the machine is for.</summary>
    /// <param name="description">The description.</param>
    /// <returns>This builder.</returns>
    public StateMachineBuilder Description(string description)
    {
        _description = description;
        return this;
    }

    /// <summary>Sets the initial state.</summary>
    /// <param name="state">The state.</param>
    /// <returns>This builder.</returns>
    public StateMachineBuilder InitialState(string state)
    {
        _initial = state;
        return this;
    }

    /// <summary>Declares a state.</summary>
    /// <param name="name">The state's name.</param>
    /// <param name="configure">Sets its timeout, hooks, or makes it terminal.</param>
    /// <returns>This builder.</returns>
    public StateMachineBuilder State(string name, Action<StateBuilder>? configure = null)
    {
        var state = new StateBuilder(this, name);
        configure?.Invoke(state);
        _states.Add(state.Definition);
        _initial ??= name;
        return this;
    }

    /// <summary>Declares a transition; transitions on the same event from the same state are tried in the order declared.</summary>
    /// <param name="from">The state it leaves.</param>
    /// <param name="event">The event.</param>
    /// <param name="to">The state it enters.</param>
    /// <param name="configure">Sets its guard, action, or marks it an escalation.</param>
    /// <returns>This builder.</returns>
    public StateMachineBuilder Transition(string from, string @event, string to, Action<TransitionBuilder>? configure = null)
    {
        var transition = new TransitionBuilder(this, new TransitionDefinition { From = from, Event = @event, To = to });
        configure?.Invoke(transition);
        _transitions.Add(transition.Definition);
        return this;
    }

    /// <summary>Validates the machine and resolves its hooks.</summary>
    /// <param name="hooks">Named hooks and guards it refers to, or <see langword="null"/>; the builder's lambdas are added to it.</param>
    /// <returns>The machine.</returns>
    /// <exception cref="AosValidationException">The machine is invalid; the message names the state or transition at fault.</exception>
    public StateMachine Build(StateMachineHooks? hooks = null)
    {
        hooks ??= new StateMachineHooks();
        foreach (var register in _registrations)
        {
            register(hooks);
        }

        return StateMachine.Create(
            new StateMachineDefinition { Name = _name, Description = _description, InitialState = _initial ?? string.Empty, States = [.. _states], Transitions = [.. _transitions] },
            hooks);
    }

    private string Register(string kind, string owner, StateMachineHook hook)
    {
        var name = $"{_name}:{owner}:{kind}";
        _registrations.Add(h => h.AddHook(name, hook));
        return name;
    }

    /// <summary>Configures one state.</summary>
    public sealed class StateBuilder
    {
        private readonly StateMachineBuilder _owner;

        internal StateBuilder(StateMachineBuilder owner, string name)
        {
            _owner = owner;
            Definition = new StateDefinition { Name = name };
        }

        internal StateDefinition Definition { get; private set; }

        /// <summary>Makes the state terminal: an instance in it accepts no events.</summary>
        /// <returns>This builder.</returns>
        public StateBuilder Terminal()
        {
            Definition = Definition with { Terminal = true };
            return this;
        }

        /// <summary>Fires <c>&lt;state&gt;_timeout</c> when an instance stays in the state this long.</summary>
        /// <param name="timeout">The timeout.</param>
        /// <returns>This builder.</returns>
        public StateBuilder Timeout(TimeSpan timeout)
        {
            Definition = Definition with { Timeout = timeout };
            return this;
        }

        /// <summary>Runs a named hook when an instance enters the state.</summary>
        /// <param name="hook">The hook's name.</param>
        /// <returns>This builder.</returns>
        public StateBuilder OnEnter(string hook)
        {
            Definition = Definition with { OnEnter = hook };
            return this;
        }

        /// <summary>Runs code when an instance enters the state.</summary>
        /// <param name="hook">The hook.</param>
        /// <returns>This builder.</returns>
        public StateBuilder OnEnter(StateMachineHook hook) => OnEnter(_owner.Register("enter", Definition.Name, hook));

        /// <summary>Runs a named hook when an instance leaves the state.</summary>
        /// <param name="hook">The hook's name.</param>
        /// <returns>This builder.</returns>
        public StateBuilder OnExit(string hook)
        {
            Definition = Definition with { OnExit = hook };
            return this;
        }

        /// <summary>Runs code when an instance leaves the state.</summary>
        /// <param name="hook">The hook.</param>
        /// <returns>This builder.</returns>
        public StateBuilder OnExit(StateMachineHook hook) => OnExit(_owner.Register("exit", Definition.Name, hook));
    }

    /// <summary>Configures one transition.</summary>
    public sealed class TransitionBuilder
    {
        private readonly StateMachineBuilder _owner;

        internal TransitionBuilder(StateMachineBuilder owner, TransitionDefinition definition)
        {
            _owner = owner;
            Definition = definition;
        }

        internal TransitionDefinition Definition { get; private set; }

        /// <summary>Takes the transition only when a condition on the context holds.</summary>
        /// <param name="guard">The condition.</param>
        /// <returns>This builder.</returns>
        public TransitionBuilder When(GuardCondition guard)
        {
            Definition = Definition with { Guard = guard };
            return this;
        }

        /// <summary>Takes the transition only when code says so.</summary>
        /// <param name="guard">The guard.</param>
        /// <returns>This builder.</returns>
        public TransitionBuilder When(StateMachineGuard guard)
        {
            ArgumentNullException.ThrowIfNull(guard);
            var name = $"{_owner._name}:{Definition}:guard:{_owner._transitions.Count}";
            _owner._registrations.Add(h => h.AddGuard(name, guard));
            Definition = Definition with { GuardName = name };
            return this;
        }

        /// <summary>Runs a named action between the exit and enter hooks.</summary>
        /// <param name="action">The action's name.</param>
        /// <returns>This builder.</returns>
        public TransitionBuilder Do(string action)
        {
            Definition = Definition with { Action = action };
            return this;
        }

        /// <summary>Runs code between the exit and enter hooks.</summary>
        /// <param name="action">The action.</param>
        /// <returns>This builder.</returns>
        public TransitionBuilder Do(StateMachineHook action) =>
            Do(_owner.Register("action:" + _owner._transitions.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Definition.ToString(), action));

        /// <summary>Records the transition as an escalation.</summary>
        /// <returns>This builder.</returns>
        public TransitionBuilder Escalation()
        {
            Definition = Definition with { Escalation = true };
            return this;
        }
    }
}
