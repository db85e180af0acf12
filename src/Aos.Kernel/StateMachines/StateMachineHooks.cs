using System.Text.Json.Nodes;
using Aos.StateMachines;

namespace Aos.Kernel.StateMachines;

/// <summary>Runs code on a transition: a state's enter or exit hook, or a transition's action.</summary>
/// <param name="context">The transition, and the instance's context that the hook may change.</param>
/// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
/// <returns>A task that completes when the hook is done; if it throws, the event is refused and nothing changes.</returns>
public delegate ValueTask StateMachineHook(StateMachineHookContext context, CancellationToken cancellationToken);

/// <summary>Decides in code whether a transition may be taken.</summary>
/// <param name="context">The transition and the instance's context, with the event's data merged in.</param>
/// <returns><see langword="true"/> to take the transition.</returns>
public delegate bool StateMachineGuard(StateMachineHookContext context);

/// <summary>Describes the transition a hook, an action or a guard runs for.</summary>
public sealed class StateMachineHookContext
{
    internal StateMachineHookContext(string instanceId, string machine, TransitionDefinition transition, JsonObject context, JsonObject? data, string actor, DateTimeOffset now)
    {
        InstanceId = instanceId;
        Machine = machine;
        Transition = transition;
        Context = context;
        Data = data;
        Actor = actor;
        Now = now;
    }

    /// <summary>Gets the instance id.</summary>
    public string InstanceId { get; }

    /// <summary>Gets the machine's name.</summary>
    public string Machine { get; }

    /// <summary>Gets the transition being taken (for the initial state's enter hook: a transition from and to that state).</summary>
    public TransitionDefinition Transition { get; }

    /// <summary>Gets the instance's context with the event's data merged in; changes are kept if the transition completes.</summary>
    public JsonObject Context { get; }

    /// <summary>Gets the event's data.</summary>
    public JsonObject? Data { get; }

    /// <summary>Gets who sent the event: a user, an agent, or <c>timer</c> for a timeout.</summary>
    public string Actor { get; }

    /// <summary>Gets the time of the transition.</summary>
    public DateTimeOffset Now { get; }
}

/// <summary>Holds the named hooks and guards that state machine definitions refer to.</summary>
/// <remarks>
/// Built in: the hook <c>escalate</c>, which adds one to the context's <c>escalationLevel</c> (so an escalation transition records how
/// far a case has been escalated). Register more with <see cref="AddHook"/> and <see cref="AddGuard"/> before definitions that use them.
/// </remarks>
public sealed class StateMachineHooks
{
    /// <summary>The name of the built-in escalation hook.</summary>
    public const string Escalate = "escalate";

    private readonly Dictionary<string, StateMachineHook> _hooks = new(StringComparer.Ordinal)
    {
        [Escalate] = static (context, _) =>
        {
            var level = context.Context["escalationLevel"] is JsonValue value && value.TryGetValue<int>(out var current) ? current : 0;
            context.Context["escalationLevel"] = level + 1;
            return ValueTask.CompletedTask;
        },
    };

    private readonly Dictionary<string, StateMachineGuard> _guards = new(StringComparer.Ordinal);

    /// <summary>Registers a hook or action under a name.</summary>
    /// <param name="name">The name definitions use.</param>
    /// <param name="hook">The hook.</param>
    /// <returns>This registry, for chaining.</returns>
    public StateMachineHooks AddHook(string name, StateMachineHook hook)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(hook);
        lock (_hooks)
        {
            _hooks[name] = hook;
        }

        return this;
    }

    /// <summary>Registers a guard under a name.</summary>
    /// <param name="name">The name definitions use.</param>
    /// <param name="guard">The guard.</param>
    /// <returns>This registry, for chaining.</returns>
    public StateMachineHooks AddGuard(string name, StateMachineGuard guard)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(guard);
        lock (_guards)
        {
            _guards[name] = guard;
        }

        return this;
    }

    internal bool TryGetHook(string name, out StateMachineHook hook)
    {
        lock (_hooks)
        {
            return _hooks.TryGetValue(name, out hook!);
        }
    }

    internal bool TryGetGuard(string name, out StateMachineGuard guard)
    {
        lock (_guards)
        {
            return _guards.TryGetValue(name, out guard!);
        }
    }
}
