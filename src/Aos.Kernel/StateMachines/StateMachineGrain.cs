using System.Text.Json.Nodes;
using Aos.Kernel.Diagnostics;
using Aos.Kernel.Timers;
using Aos.Security;
using Aos.StateMachines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Aos.Kernel.StateMachines;

/// <summary>
/// Hosts one state machine instance: applies events through its machine, persists the new instance before answering, and fires the
/// current state's timeout by itself.
/// </summary>
/// <remarks>
/// <para>
/// The key is <see cref="AosTenants.Scope"/> of <c>&lt;machine&gt;/&lt;id&gt;</c>: the instance belongs to that tenant, resolves its machine
/// as that tenant sees it, and is listed in that tenant's index.
/// </para>
/// <para>
/// A timeout is armed twice: a timer on the injected <see cref="TimeProvider"/> fires it on time while the instance is active, and an
/// Orleans reminder (durable, checked every minute) wakes the instance if it was deactivated; on a node's start <c>OverdueDeadlines</c>
/// touches instances whose timeout passed while it was down. On activation a timeout that came due while nobody was looking fires
/// before any call is served.
/// </para>
/// <para>
/// With <see cref="StateMachineOptions.Retention"/> set, a completed instance's deadline is the time it is forgotten, armed the same way.
/// </para>
/// </remarks>
[GrainType("aos-sm")]
internal sealed partial class StateMachineGrain(
    StateMachineCatalog catalog,
    [FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage storage,
    IOptions<StateMachineOptions> options,
    TimeProvider timeProvider,
    ILogger<StateMachineGrain> logger) : Grain, IStateMachineGrain, IRemindable, IDisposable
{
    private const string StateName = "sm";
    internal const string ReminderName = "aos.sm.timeout";

    private readonly GrainState<StateMachineInstance?> _state = new(null);
    private GrainDeadline? _deadline;
    private string _machineName = string.Empty;
    private string _id = string.Empty;
    private string _tenant = AosTenants.Default;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var scoped = key.IndexOf(TenantSeparator, StringComparison.Ordinal);
        if (scoped > 0)
        {
            (_tenant, key) = (key[..scoped], key[(scoped + TenantSeparator.Length)..]);
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        (_machineName, _id) = slash > 0 ? (key[..slash], key[(slash + 1)..]) : (key, string.Empty);
        var self = this.AsReference<IStateMachineGrain>();
        _deadline = new GrainDeadline(this, timeProvider, ReminderName, self.FireDueTimeoutAsync);
        await storage.ReadStateAsync(StateName, this.GetGrainId(), _state);

        // A timeout (or the end of a completed instance's retention) that came due while the instance was asleep or the node was down
        // fires before any call is served.
        if (Deadline(Current) is { } due && due <= timeProvider.GetUtcNow())
        {
            await FireDueTimeoutAsync();
            return;
        }

        if (Current is { Completed: true } && Deadline(Current) is { } forgetAt)
        {
            // Completed before a retention was set, or asleep since: it is forgotten in time all the same.
            await _deadline.EnsureScheduledAsync(forgetAt);
            return;
        }

        Arm();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deadline?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _deadline?.Dispose();

    public async Task<StateMachineInstance> StartAsync(string? context, string actor)
    {
        if (Current is { } existing)
        {
            throw new StateMachineInstanceExistsException($"The state machine instance '{_id}' of '{_machineName}' exists already (state '{existing.State}'); send it events instead.");
        }

        var machine = await catalog.GetAsync(_machineName, _tenant);
        var instance = await machine.StartAsync(_id, ParseObject(context, "context"), actor, timeProvider.GetUtcNow()) with { Tenant = _tenant };

        // Listed before it is stored: a crash in between leaves an id the list skips, never an instance that is not listed.
        await GrainFactory.GetGrain<IStateMachineRegistryGrain>(StateMachineCatalog.InstancesKey(_machineName, _tenant)).AddInstanceAsync(_id);
        await SaveAsync(instance);
        return instance;
    }

    public async Task<StateMachineInstance> FireAsync(string eventName, string? data, string actor)
    {
        var instance = Existing();
        var machine = await catalog.GetAsync(_machineName, _tenant);
        var next = await machine.FireAsync(instance, eventName, ParseObject(data, "data"), actor, timeProvider.GetUtcNow());
        await SaveAsync(next);
        return next;
    }

    public Task<StateMachineInstance?> GetAsync() => Task.FromResult(Current);

    public async Task<StateMachineInstance> SnapshotAsync()
    {
        var next = StateMachine.Snapshot(Existing(), timeProvider.GetUtcNow());
        await SaveAsync(next);
        return next;
    }

    public async Task<StateMachineInstance> RollbackAsync(string snapshotId, string actor)
    {
        var machine = await catalog.GetAsync(_machineName, _tenant);
        var next = machine.Rollback(Existing(), snapshotId, actor, timeProvider.GetUtcNow());
        await SaveAsync(next);
        return next;
    }

    public async Task FireDueTimeoutAsync()
    {
        var now = timeProvider.GetUtcNow();
        if (Current is { Completed: true } completed && Deadline(completed) is { } forgetAt)
        {
            if (forgetAt <= now)
            {
                await ForgetAsync(completed);
            }
            else
            {
                Arm();
            }

            return;
        }

        if (Current is not { TimeoutAt: not null, Completed: false } instance)
        {
            await _deadline!.ForgetAsync();
            return;
        }

        if (instance.TimeoutAt > now)
        {
            Arm();
            return;
        }

        var machine = await catalog.GetAsync(_machineName, _tenant);
        StateMachineInstance next;
        try
        {
            next = await machine.FireDueTimeoutAsync(instance, now);
        }
        catch (TransitionRefusedException ex)
        {
            // The timeout is spent: it is not fired again, and the instance stays where it was until an event moves it.
            Log.TimeoutRefused(logger, _machineName, _id, instance.State, ex.Message);
            next = instance with { TimeoutAt = null, UpdatedAt = now, Version = instance.Version + 1 };
        }

        await SaveAsync(next);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => FireDueTimeoutAsync();

    /// <summary>Gets the instance, or <see langword="null"/> when none was ever stored (the storage leaves a default object then).</summary>
    private StateMachineInstance? Current => _state.RecordExists ? _state.State : null;

    private StateMachineInstance Existing() =>
        Current ?? throw new StateMachineNotFoundException($"There is no instance '{_id}' of the state machine '{_machineName}'; create it first.");

    private async Task SaveAsync(StateMachineInstance instance)
    {
        var before = Current;
        var existed = _state.RecordExists;
        var previous = _state.State;
        _state.State = instance;
        try
        {
            await storage.WriteStateAsync(StateName, this.GetGrainId(), _state);
        }
        catch
        {
            _state.State = previous;
            _state.RecordExists = existed;
            throw;
        }

        await _deadline!.ScheduleAsync(Deadline(instance), Deadline(before) is not null);
    }

    /// <summary>Gets an instance's deadline: its state's timeout, or, once completed, when it is forgotten under the retention.</summary>
    private DateTimeOffset? Deadline(StateMachineInstance? instance) => instance switch
    {
        null => null,
        { Completed: false } => instance.TimeoutAt,
        _ => options.Value.Retention is { } retention ? instance.UpdatedAt + retention : null,
    };

    /// <summary>Removes a completed instance past its retention: its state, then its place in the list, then its reminder.</summary>
    /// <remarks>A failure part way leaves an id the list skips, or a reminder that finds no instance and removes itself.</remarks>
    private async Task ForgetAsync(StateMachineInstance instance)
    {
        _deadline!.Arm(null);
        await storage.ClearStateAsync(StateName, this.GetGrainId(), _state);
        _state.State = null;
        await GrainFactory.GetGrain<IStateMachineRegistryGrain>(StateMachineCatalog.InstancesKey(_machineName, _tenant)).RemoveInstanceAsync(_id);
        await _deadline.ForgetAsync();
        KernelDiagnostics.StateMachinesForgotten.Add(1);
        Log.Forgotten(logger, _machineName, _id, instance.State);
        DeactivateOnIdle();
    }

    /// <summary>Arms the in-memory timer for the current state's timeout, or a completed instance's end of retention (at once when it is already due).</summary>
    private void Arm() => _deadline!.Arm(Deadline(Current));

    private static JsonObject? ParseObject(string? json, string field)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json) as JsonObject
                ?? throw new AosValidationException($"The {field} must be a JSON object, such as {{\"amount\": 100}}.") { Field = field };
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new AosValidationException($"The {field} is not valid JSON: {ex.Message}", ex) { Field = field };
        }
    }

    /// <summary>Gets what <see cref="AosTenants.Scope"/> puts between a tenant and the rest of the key.</summary>
    private static string TenantSeparator { get; } = AosTenants.Scope("x", string.Empty)[1..];

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The timeout of state '{State}' of state machine instance '{Id}' of '{Machine}' was refused and is dropped: {Reason}")]
        public static partial void TimeoutRefused(ILogger logger, string machine, string id, string state, string reason);

        [LoggerMessage(2, LogLevel.Information, "State machine instance '{Id}' of '{Machine}', completed in '{State}', forgotten: it is past Aos:StateMachines:Retention")]
        public static partial void Forgotten(ILogger logger, string machine, string id, string state);
    }
}
