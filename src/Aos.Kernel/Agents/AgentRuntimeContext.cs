using System.Text.Json;
using Aos.Agents;
using Aos.Messaging;
using Aos.Security;
using Aos.Storage;
using Aos.SystemCalls;

namespace Aos.Kernel.Agents;

/// <summary>
/// Implements an agent's system calls over its live grain state, collecting a turn's appends and outgoing messages
/// until the turn commits.
/// </summary>
internal sealed partial class AgentRuntimeContext : IAgentContext, IAgentContextStore, IAgentGoals
{
    private readonly IAgentJournal _journal;
    private readonly KernelOptions _options;
    private readonly IAgentHost _host;
    private readonly ISystemCallInvoker _invoker;
    private readonly AgentStorage? _storage;
    private readonly AgentStoreRecorder? _storeRecorder;
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);
    private AgentState _state;
    private bool _detached;
    private bool _inTurn;

    public AgentRuntimeContext(
        AgentDescriptor descriptor,
        AgentState state,
        IAgentJournal journal,
        KernelOptions options,
        TimeProvider timeProvider,
        IAgentHost host,
        ISystemCallInvoker invoker,
        StorageCatalog? storage = null,
        AgentStoreIndex? storeIndex = null)
    {
        _invoker = invoker;
        _storage = storage is null ? null : new AgentStorage(this, storage.ForAgent(descriptor.Id), storage.ForTenant(descriptor.Tenant));
        _storeRecorder = storage is null || storeIndex is null ? null : new AgentStoreRecorder(storeIndex, descriptor.Id);
        Descriptor = descriptor;
        _journal = journal;
        _options = options;
        TimeProvider = timeProvider;
        _host = host;
        _state = state;
        Reset(state);
    }

    /// <summary>Gets the agent's descriptor; the hosting grain replaces it when the agent's subscriptions or grants change.</summary>
    public AgentDescriptor Descriptor { get; set; }

    public Envelope? CurrentMessage { get; private set; }

    public TimeProvider TimeProvider { get; }

    public IAgentContextStore Store => this;

    public IAgentGoals Goals => this;

    public IAgentStorage Storage => _storage ?? throw new InvalidOperationException(
        "This host has no storage service: register it with AddAos (or services.AddAosStorage) to give agents storage.");

    /// <summary>Gets the memory items remembered in the current turn.</summary>
    public List<MemoryItem> PendingMemory { get; } = [];

    /// <summary>Gets the decisions recorded in the current turn.</summary>
    public List<DecisionRecord> PendingDecisions { get; } = [];

    /// <summary>Gets the messages sent or published in the current turn, to leave once it is durable.</summary>
    public List<Envelope> PendingMessages { get; } = [];

    /// <summary>Gets the wake-ups scheduled or cancelled in the current turn, to apply once it is durable.</summary>
    public List<WakeUpChange> PendingWakeUps { get; } = [];

    IReadOnlyDictionary<string, JsonElement> IAgentContextStore.Values => _values;

    IReadOnlyDictionary<string, long> IAgentContextStore.Counters => _state.Counters;

    IReadOnlyList<Goal> IAgentGoals.All => _state.Goals;

    /// <summary>Starts a turn (or a retry of one): forgets whatever an earlier attempt collected, unless it continues a batch.</summary>
    public void BeginTurn(Envelope? message, bool keepPending = false)
    {
        ThrowIfDetached();
        CurrentMessage = message;
        _inTurn = true;
        if (keepPending)
        {
            // The next message of a batch: what earlier messages of the batch collected commits with it.
            return;
        }

        PendingMemory.Clear();
        PendingDecisions.Clear();
        PendingMessages.Clear();
        PendingWakeUps.Clear();
    }

    /// <summary>Ends a turn: system calls made from now on (in <c>OnActivateAsync</c>) take effect at once.</summary>
    public void EndTurn()
    {
        CurrentMessage = null;
        _inTurn = false;
    }

    /// <summary>Points the context at a freshly loaded state, after a failed attempt was discarded.</summary>
    public void Reset(AgentState state)
    {
        _state = state;
        _values.Clear();
        foreach (var (key, json) in state.Values)
        {
            _values[key] = JsonElement.Parse(json);
        }
    }

    /// <summary>Cuts this context off from the agent instance it served, so an abandoned handler cannot change anything.</summary>
    public void Detach() => _detached = true;

    public void RecordDecision(DecisionRecord decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ThrowIfDetached();
        PendingDecisions.Add(decision.Timestamp == default ? decision with { Timestamp = TimeProvider.GetUtcNow() } : decision);
    }

    public ValueTask SendAsync(Envelope message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfDetached();
        if (message.Target is not { } target)
        {
            throw new AosValidationException("A message sent to an agent needs a Target.") { Field = "target" };
        }

        var call = Call(SystemCallNames.MessageSend, SystemCallResources.Agent(target.Value), message, () => EnsureMayReach(target, "send to"));
        return _invoker.InvokeAsync(call, (c, _) =>
        {
            PendingMessages.Add(_host.PrepareOutgoing(message with { Topic = null, Tenant = Descriptor.Tenant, Payload = c.Payload ?? message.Payload }));
            return ValueTask.CompletedTask;
        }, cancellationToken);
    }

    public ValueTask PublishAsync(Envelope message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfDetached();
        TopicPattern.ValidateTopic(message.Topic);
        var call = Call(SystemCallNames.MessagePublish, SystemCallResources.Topic(message.Topic!), message, () =>
        {
            if (!Descriptor.Grants.AllowsPublish(message.Topic!))
            {
                throw Denied($"publish on topic '{message.Topic}'", "a topic pattern that matches it to grants.topics");
            }
        });
        return _invoker.InvokeAsync(call, (c, _) =>
        {
            PendingMessages.Add(_host.PrepareOutgoing(message with { Target = null, Tenant = Descriptor.Tenant, Payload = c.Payload ?? message.Payload }));
            return ValueTask.CompletedTask;
        }, cancellationToken);
    }

    public ValueTask BroadcastAsync(Envelope message, string idPrefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(idPrefix);
        ThrowIfDetached();
        var call = Call(SystemCallNames.MessageBroadcast, SystemCallResources.Broadcast(idPrefix), message, () =>
        {
            if (!Descriptor.Grants.AllowsBroadcast(idPrefix))
            {
                throw Denied($"broadcast to the agents whose id starts with '{idPrefix}'", $"'{idPrefix}*' (or a shorter prefix ending in '*') to grants.agents");
            }
        });
        return _invoker.InvokeAsync(call, (c, _) =>
        {
            var headers = new Dictionary<string, string>(message.Headers, StringComparer.Ordinal) { [Kernel.Messaging.MessageBus.BroadcastHeader] = idPrefix };
            PendingMessages.Add(_host.PrepareOutgoing(message with { Target = null, Topic = null, Headers = headers, Tenant = Descriptor.Tenant, Payload = c.Payload ?? message.Payload }));
            return ValueTask.CompletedTask;
        }, cancellationToken);
    }

    public ValueTask<bool> SubscribeAsync(string pattern, CancellationToken cancellationToken = default)
    {
        ThrowIfDetached();
        TopicPattern.ValidatePattern(pattern);
        var call = Call(SystemCallNames.SubscriptionAdd, SystemCallResources.Topic(pattern!), null, () =>
        {
            if (!Descriptor.Grants.AllowsSubscribe(pattern!))
            {
                throw Denied($"subscribe to '{pattern}'", "a topic pattern that covers it to grants.topics");
            }
        });
        return _invoker.InvokeAsync(call, (_, ct) => _host.ChangeSubscriptionAsync(pattern!, subscribe: true, ct), cancellationToken);
    }

    public ValueTask<bool> UnsubscribeAsync(string pattern, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ThrowIfDetached();
        var call = Call(SystemCallNames.SubscriptionRemove, SystemCallResources.Topic(pattern!), null, null);
        return _invoker.InvokeAsync(call, (_, ct) => _host.ChangeSubscriptionAsync(pattern, subscribe: false, ct), cancellationToken);
    }

    public ValueTask<JsonElement?> RequestAsync(Envelope request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfDetached();
        if (request.Target is not { } target)
        {
            throw new AosValidationException("A request needs a Target.") { Field = "target" };
        }

        var call = Call(SystemCallNames.MessageRequest, SystemCallResources.Agent(target.Value), request, () => EnsureMayReach(target, "send a request to"));
        return _invoker.InvokeAsync(call, (c, ct) => _host.RequestAsync(request with { Tenant = Descriptor.Tenant, Payload = c.Payload ?? request.Payload }, timeout, ct), cancellationToken);
    }

    public ValueTask ScheduleWakeUpAsync(string name, TimeSpan dueTime, TimeSpan? period = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ThrowIfDetached();
        if (dueTime < TimeSpan.Zero || period <= TimeSpan.Zero)
        {
            throw new AosValidationException("A wake-up's due time must not be negative and its period must be positive.") { Field = "dueTime" };
        }

        var call = Call(SystemCallNames.WakeUpSchedule, $"wake-up:{name}", null, null);
        return _invoker.InvokeAsync(call, (_, ct) =>
        {
            // Whether a wake-up fires once is state: it commits (or rolls back) with the turn that scheduled it.
            if (period is null)
            {
                _state.OneShotWakeUps.Add(name);
            }
            else
            {
                _state.OneShotWakeUps.Remove(name);
            }

            return Apply(new WakeUpChange(name, dueTime, period, Cancel: false), ct);
        }, cancellationToken);
    }

    public ValueTask CancelWakeUpAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ThrowIfDetached();
        var call = Call(SystemCallNames.WakeUpCancel, $"wake-up:{name}", null, null);
        return _invoker.InvokeAsync(call, (_, ct) =>
        {
            _state.OneShotWakeUps.Remove(name);
            return Apply(new WakeUpChange(name, TimeSpan.Zero, null, Cancel: true), ct);
        }, cancellationToken);
    }

    private ValueTask Apply(WakeUpChange change, CancellationToken cancellationToken)
    {
        // Inside a turn the reminder changes when the turn is durable, so a failed turn schedules nothing.
        if (_inTurn)
        {
            PendingWakeUps.Add(change);
            return ValueTask.CompletedTask;
        }

        return _host.ApplyWakeUpAsync(change, cancellationToken);
    }

    /// <summary>Refuses a message to another agent unless the agent's grants name it; answering whoever sent the current message needs no grant.</summary>
    private void EnsureMayReach(AgentId target, string what)
    {
        if (!Descriptor.Grants.AllowsAgent(target) && !IsReplyTo(target))
        {
            throw Denied($"{what} agent '{target}'", $"'{target}' (or a prefix of it ending in '*') to grants.agents");
        }
    }

    // The current message is of the agent's own tenant: the grain refuses any other.
    private bool IsReplyTo(AgentId target) => CurrentMessage?.Source is { } source && string.Equals(source, target.Value, StringComparison.Ordinal);

    private AgentGrantException Denied(string what, string fix) => AgentGrantException.Outside(Descriptor.Id.Value, what, fix);

    /// <summary>The agent's own part of the stores, and its tenant's shared part behind the agent's store grants.</summary>
    private sealed class AgentStorage(AgentRuntimeContext context, IStorageScope own, IStorageScope tenant) : IAgentStorage
    {
        public IStorageScope Tenant { get; } = new TenantPart(context, tenant);

        public IBlobStore Blobs(string store) => new PipelinedBlobStore(own.Blobs(store), context, $"blob:{store}", store);

        public ITableStore Tables(string store) => new PipelinedTableStore(own.Tables(store), context, $"table:{store}", store);

        public IQueueStore Queues(string store) => new PipelinedQueueStore(own.Queues(store), context, $"queue:{store}", store);

        public IDocumentStore Documents(string store) => new PipelinedDocumentStore(own.Documents(store), context, $"document:{store}", store);
    }

    /// <summary>The tenant's shared part of the stores: each call passes the agent's store grants as they stand.</summary>
    private sealed class TenantPart(AgentRuntimeContext context, IStorageScope tenant) : IStorageScope
    {
        public IBlobStore Blobs(string store) => new PipelinedBlobStore(tenant.Blobs(Granted(store)), context, $"tenant:blob:{store}", ownStore: null);

        public ITableStore Tables(string store) => new PipelinedTableStore(tenant.Tables(Granted(store)), context, $"tenant:table:{store}", ownStore: null);

        public IQueueStore Queues(string store) => new PipelinedQueueStore(tenant.Queues(Granted(store)), context, $"tenant:queue:{store}", ownStore: null);

        public IDocumentStore Documents(string store) => new PipelinedDocumentStore(tenant.Documents(Granted(store)), context, $"tenant:document:{store}", ownStore: null);

        private string Granted(string store)
        {
            ArgumentNullException.ThrowIfNull(store);
            return context.Descriptor.Grants.AllowsStore(store)
                ? store
                : throw context.Denied($"use the tenant's shared store '{store}'", $"'{store}' (or '*') to grants.stores");
        }
    }

    private void ThrowIfDetached()
    {
        if (_detached)
        {
            throw new OperationCanceledException("This turn was cut by the turn timeout; its changes were discarded.");
        }
    }
}
