using System.Text.Json;
using Aos.Agents;
using Aos.Kernel.Diagnostics;
using Aos.Kernel.Messaging;
using Aos.Registry;
using Aos.Storage;
using Aos.SystemCalls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Aos.Kernel.Agents;

/// <summary>
/// Hosts one agent in Orleans: loads its descriptor and state on activation, runs its turns, persists them before
/// acknowledging, and reports its status to the directory.
/// </summary>
[GrainType(AosStorageNames.AgentGrainType)]
internal sealed partial class AgentGrain : Grain, IAgentGrain, IRemindable, IAgentHost
{
    private const string WakeUpPrefix = "aos.wake.";

    private readonly IAgentDirectory _directory;
    private readonly IAgentJournal _journal;
    private readonly IProcessedMessageLog _processed;
    private readonly IAgentOutbox _outbox;
    private readonly MessageBus _bus;
    private readonly OutboxRelay _relay;
    private readonly IGrainStorage _storage;
    private readonly AgentTypeCatalog _catalog;
    private readonly KernelOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AgentGrain> _logger;
    private readonly TurnRunner _turnRunner;
    private readonly IDecisionSink[] _decisionSinks;
    private readonly GrainState<AgentState> _state = new(new AgentState());
    private AgentId _id;
    private AgentDescriptor? _descriptor;
    private AgentTypeInfo? _type;
    private Agent? _agent;
    private AgentRuntimeContext? _context;
    private string? _failure;
    private bool _unregistered;
    private Task _statusWrite = Task.CompletedTask;

    public AgentGrain(
        IAgentDirectory directory,
        IAgentJournal journal,
        IProcessedMessageLog processed,
        IAgentOutbox outbox,
        MessageBus bus,
        OutboxRelay relay,
        [FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage storage,
        AgentTypeCatalog catalog,
        IOptions<KernelOptions> options,
        TimeProvider timeProvider,
        ILogger<AgentGrain> logger,
        IEnumerable<IDecisionSink> decisionSinks)
    {
        _directory = directory;
        _journal = journal;
        _processed = processed;
        _outbox = outbox;
        _bus = bus;
        _relay = relay;
        _storage = storage;
        _catalog = catalog;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _turnRunner = new TurnRunner(_options, timeProvider);
        _decisionSinks = [.. decisionSinks];
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!AgentId.TryParse(this.GetPrimaryKeyString(), out _id))
        {
            _unregistered = true;
            return;
        }

        var record = await _directory.GetAsync(_id, cancellationToken);
        if (record is null)
        {
            _unregistered = true;
            return;
        }

        _descriptor = record.Descriptor;
        try
        {
            await _storage.ReadStateAsync(AosStorageNames.AgentStateName, this.GetGrainId(), _state);
            _state.State ??= new AgentState();
            _type = _catalog.Get(_descriptor.Type);
            await CreateAgentAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _failure = $"The agent's state could not be loaded: {ex.GetType().Name}: {ex.Message}";
            Log.AgentLoadFailed(_logger, _id.Value, _failure, ex);
            await _directory.SetStatusAsync(_id, AgentStatus.Failed, _failure, null, cancellationToken);
            return;
        }

        State.WakeCount++;
        KernelDiagnostics.Activations.Add(1, new KeyValuePair<string, object?>("aos.agent.type", _descriptor.Type));
        Log.AgentActivated(_logger, _id.Value, _descriptor.Type);

        // The status write is not awaited here: the first turn's commit waits for it, so a cold wake pays one round trip.
        _statusWrite = WriteActiveStatusAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_unregistered || _descriptor is null || _failure is not null)
        {
            return;
        }

        KernelDiagnostics.Deactivations.Add(1, new KeyValuePair<string, object?>("aos.agent.type", _descriptor.Type));
        Log.AgentDeactivated(_logger, _id.Value, reason.Description);
        try
        {
            await _statusWrite;
            await _directory.SetStatusAsync(_id, AgentStatus.Sleeping, null, null, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StatusWriteFailed(_logger, _id.Value, nameof(AgentStatus.Sleeping), ex);
        }
    }

    public async Task DeleteAsync()
    {
        ThrowIfUnregistered();
        foreach (var reminder in await this.GetReminders())
        {
            await this.UnregisterReminder(reminder);
        }

        await _journal.DeleteAsync(_id);
        await _storage.ClearStateAsync(AosStorageNames.AgentStateName, this.GetGrainId(), _state);
        _unregistered = true;
        _agent = null;
        _context?.Detach();
        DeactivateOnIdle();
    }

    /// <summary>Records the agent as active; a failure is logged, never surfaced through the turns that wait for it.</summary>
    private async Task WriteActiveStatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _directory.SetStatusAsync(_id, AgentStatus.Active, null, RuntimeIdentity, cancellationToken);
        }
        catch (Exception ex)
        {
            Log.StatusWriteFailed(_logger, _id.Value, nameof(AgentStatus.Active), ex);
        }
    }

    private async Task CreateAgentAsync(CancellationToken cancellationToken)
    {
        _context?.Detach();
        var agent = (Agent)ActivatorUtilities.CreateInstance(ServiceProvider, _type!.ImplementationType);
        var context = new AgentRuntimeContext(_descriptor!, State, _journal, _options, _timeProvider, this, ServiceProvider.GetRequiredService<ISystemCallInvoker>(), ServiceProvider.GetService<StorageCatalog>(), ServiceProvider.GetService<AgentStoreIndex>());
        agent.Attach(context);
        await agent.LoadAsync(ParseJson(State.AgentStateJson), cancellationToken);
        await agent.ActivateAsync(cancellationToken);
        _agent = agent;
        _context = context;
    }

    private void ThrowIfUnregistered()
    {
        if (_unregistered)
        {
            DeactivateOnIdle();
            throw new AgentNotFoundException(this.GetPrimaryKeyString());
        }
    }

    private void ThrowIfUnavailable()
    {
        ThrowIfUnregistered();
        if (_failure is not null)
        {
            throw new AgentUnavailableException($"Agent '{_id}' is failed and cannot serve. {_failure}");
        }
    }

    private AgentState State => _state.State!;

    private static JsonElement? ParseJson(string? json) => json is null ? null : JsonElement.Parse(json);
}
