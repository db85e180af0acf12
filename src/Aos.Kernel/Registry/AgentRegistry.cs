using System.Text.Json;
using Aos.Agents;
using Aos.Kernel.Agents;
using Aos.Registry;
using Aos.Security;
using Aos.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Aos.Kernel.Registry;

/// <summary>
/// Registers, finds and removes agents; reads their status and context without waking them.
/// </summary>
/// <remarks>
/// Descriptors live in the <see cref="IAgentDirectory"/>, not in a grain, so the registry scales with its store and a
/// sleeping agent costs no memory. Reads go to durable storage: they never wake an agent. Thread-safe.
/// </remarks>
public sealed class AgentRegistry
{
    private readonly IAgentDirectory _directory;
    private readonly IAgentJournal _journal;
    private readonly IGrainStorage _storage;
    private readonly AgentTypeCatalog _catalog;
    private readonly IGrainFactory _grains;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _timeProvider;
    private readonly KernelOptions _options;
    private readonly IAgentDeletionParticipant[] _deletionParticipants;

    /// <summary>Initializes a new instance of the <see cref="AgentRegistry"/> class.</summary>
    /// <param name="directory">The descriptor store.</param>
    /// <param name="journal">The agents' journals.</param>
    /// <param name="storage">The agents' grain storage.</param>
    /// <param name="catalog">The agent types this host can run.</param>
    /// <param name="grains">The grain factory.</param>
    /// <param name="services">The services, for agent type validation.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="options">The kernel options.</param>
    /// <param name="deletionParticipants">The services that remove what they keep for an agent when it is deleted.</param>
    public AgentRegistry(
        IAgentDirectory directory,
        IAgentJournal journal,
        [FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage storage,
        AgentTypeCatalog catalog,
        IGrainFactory grains,
        IServiceProvider services,
        TimeProvider timeProvider,
        IOptions<KernelOptions> options,
        IEnumerable<IAgentDeletionParticipant>? deletionParticipants = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _directory = directory;
        _journal = journal;
        _storage = storage;
        _catalog = catalog;
        _grains = grains;
        _services = services;
        _timeProvider = timeProvider;
        _options = options.Value;
        _deletionParticipants = [.. deletionParticipants ?? []];
    }

    /// <summary>Registers one agent in the default tenant.</summary>
    /// <param name="registration">The agent to register.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The stored descriptor.</returns>
    /// <exception cref="AosValidationException">The registration is invalid; nothing was changed.</exception>
    /// <exception cref="AgentConflictException">The id is taken; nothing was changed.</exception>
    public async Task<AgentDescriptor> RegisterAsync(AgentRegistration registration, CancellationToken cancellationToken = default) =>
        (await RegisterAsync([registration], AosTenants.Default, cancellationToken))[0];

    /// <summary>Registers several agents in the default tenant, all or none.</summary>
    /// <param name="registrations">The agents to register.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The stored descriptors, in order.</returns>
    /// <exception cref="AosValidationException">A registration is invalid; nothing was changed.</exception>
    /// <exception cref="AgentConflictException">An id is taken; nothing was changed.</exception>
    public Task<IReadOnlyList<AgentDescriptor>> RegisterAsync(IReadOnlyList<AgentRegistration> registrations, CancellationToken cancellationToken = default) =>
        RegisterAsync(registrations, AosTenants.Default, cancellationToken);

    /// <summary>Registers several agents in a tenant, all or none.</summary>
    /// <param name="registrations">The agents to register.</param>
    /// <param name="tenant">The tenant the agents belong to.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The stored descriptors, in order.</returns>
    /// <exception cref="AosValidationException">A registration or the tenant is invalid; nothing was changed.</exception>
    /// <exception cref="AgentConflictException">An id is taken, in this tenant or another (ids are unique across tenants); nothing was changed.</exception>
    public async Task<IReadOnlyList<AgentDescriptor>> RegisterAsync(IReadOnlyList<AgentRegistration> registrations, string tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        AosTenants.Validate(tenant);
        if (registrations.Count == 0)
        {
            throw new AosValidationException("Nothing to register: give at least one agent.");
        }

        var now = _timeProvider.GetUtcNow();
        var descriptors = new List<AgentDescriptor>(registrations.Count);
        var seen = new HashSet<AgentId>();
        foreach (var registration in registrations)
        {
            var descriptor = Validate(registration, now) with { Tenant = tenant };
            if (!seen.Add(descriptor.Id))
            {
                throw new AosValidationException($"The agent id '{descriptor.Id}' appears twice in one registration; each agent needs its own id.") { Field = "id" };
            }

            descriptors.Add(descriptor);
        }

        var existing = await _directory.AddAsync(descriptors, cancellationToken);
        if (existing.Count > 0)
        {
            throw new AgentConflictException([.. existing.Select(id => id.Value)]);
        }

        return descriptors;
    }

    /// <summary>Stops an agent and deletes it with all its state, journal and wake-ups.</summary>
    /// <param name="id">The agent's id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the deletion is durable.</returns>
    /// <exception cref="AgentNotFoundException">The agent is not registered.</exception>
    public Task DeregisterAsync(AgentId id, CancellationToken cancellationToken = default) => DeregisterAsync(id, tenant: null, cancellationToken);

    /// <summary>Stops an agent of a tenant and deletes it with all its state, journal and wake-ups.</summary>
    /// <remarks>
    /// Every <see cref="IAgentDeletionParticipant"/> runs first (the agent's credentials, for one, are revoked), so a failure leaves the
    /// agent registered and deleting it again does the whole work again.
    /// </remarks>
    /// <param name="id">The agent's id.</param>
    /// <param name="tenant">The tenant the caller acts in; <see langword="null"/> for any.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the deletion is durable.</returns>
    /// <exception cref="AgentNotFoundException">The agent is not registered in the tenant.</exception>
    public async Task DeregisterAsync(AgentId id, string? tenant, CancellationToken cancellationToken = default)
    {
        var record = await FindAsync(id, tenant, cancellationToken);
        foreach (var participant in _deletionParticipants)
        {
            await participant.OnAgentDeletingAsync(record.Descriptor, cancellationToken);
        }

        await _grains.GetGrain<IAgentGrain>(id.Value).DeleteAsync().WaitAsync(cancellationToken);
        await _directory.RemoveAsync(id, cancellationToken);
    }

    /// <summary>Gets an agent's descriptor, status and counters, without waking it.</summary>
    /// <param name="id">The agent's id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The agent.</returns>
    /// <exception cref="AgentNotFoundException">The agent is not registered.</exception>
    public Task<AgentInfo> GetAsync(AgentId id, CancellationToken cancellationToken = default) => GetAsync(id, tenant: null, cancellationToken);

    /// <summary>Gets an agent of a tenant with its status and counters, without waking it.</summary>
    /// <param name="id">The agent's id.</param>
    /// <param name="tenant">The tenant the caller acts in; <see langword="null"/> for any.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The agent.</returns>
    /// <exception cref="AgentNotFoundException">The agent is not registered in the tenant.</exception>
    public async Task<AgentInfo> GetAsync(AgentId id, string? tenant, CancellationToken cancellationToken = default)
    {
        var record = await FindAsync(id, tenant, cancellationToken);
        var (state, error) = await TryReadStateAsync(id);
        return new AgentInfo
        {
            Descriptor = record.Descriptor,
            Status = error is null ? record.Status : AgentStatus.Failed,
            StatusReason = error ?? record.StatusReason,
            WakeCount = state?.WakeCount ?? 0,
            EventsProcessed = state?.EventsProcessed ?? 0,
            EventsFailed = state?.EventsFailed ?? 0,
            LastEventAt = state?.LastEventAt,
        };
    }

    /// <summary>Lists agents that match a query, one page at a time, ordered by id.</summary>
    /// <param name="query">The filters and page.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The page.</returns>
    public Task<AgentPage> ListAsync(AgentQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > AgentQuery.MaxLimit)
        {
            throw new AosValidationException($"The page size must be between 1 and {AgentQuery.MaxLimit}; it was {query.Limit}.") { Field = "limit" };
        }

        return _directory.ListAsync(query, cancellationToken);
    }

    /// <summary>Finds agents that have a capability.</summary>
    /// <param name="capability">The capability.</param>
    /// <param name="limit">The most agents to return.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The agents, ordered by id.</returns>
    public async Task<IReadOnlyList<AgentRecord>> FindByCapabilityAsync(string capability, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(capability);
        var page = await ListAsync(new AgentQuery { Capability = capability, Limit = limit }, cancellationToken);
        return page.Items;
    }

    /// <summary>Reads an agent's context as last persisted, without waking it.</summary>
    /// <param name="id">The agent's id.</param>
    /// <param name="limit">The most history entries, memory items and decisions to read.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The context.</returns>
    /// <exception cref="AgentNotFoundException">The agent is not registered.</exception>
    /// <exception cref="AgentUnavailableException">The agent's state cannot be loaded.</exception>
    public Task<AgentContextSnapshot> GetContextAsync(AgentId id, int limit = 100, CancellationToken cancellationToken = default) =>
        GetContextAsync(id, tenant: null, limit, cancellationToken);

    /// <summary>Reads the context of an agent of a tenant as last persisted, without waking it.</summary>
    /// <param name="id">The agent's id.</param>
    /// <param name="tenant">The tenant the caller acts in; <see langword="null"/> for any.</param>
    /// <param name="limit">The most history entries, memory items and decisions to read.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The context.</returns>
    /// <exception cref="AgentNotFoundException">The agent is not registered in the tenant.</exception>
    /// <exception cref="AgentUnavailableException">The agent's state cannot be loaded.</exception>
    public async Task<AgentContextSnapshot> GetContextAsync(AgentId id, string? tenant, int limit = 100, CancellationToken cancellationToken = default)
    {
        _ = await FindAsync(id, tenant, cancellationToken);
        var (state, error) = await TryReadStateAsync(id);
        if (error is not null)
        {
            throw new AgentUnavailableException($"Agent '{id}' is failed: {error}");
        }

        state ??= new AgentState();
        var history = _journal.ReadAsync(id, JournalKind.History, Math.Min(limit, _options.HistoryLimit), cancellationToken).AsTask();
        var memory = _journal.ReadAsync(id, JournalKind.Memory, Math.Min(limit, _options.MemoryLimit), cancellationToken).AsTask();
        var decisions = _journal.ReadAsync(id, JournalKind.Decisions, Math.Min(limit, _options.DecisionLimit), cancellationToken).AsTask();
        await Task.WhenAll(history, memory, decisions);
        return new AgentContextSnapshot
        {
            Values = state.Values.ToDictionary(kv => kv.Key, kv => JsonElement.Parse(kv.Value), StringComparer.Ordinal),
            Counters = state.Counters,
            Goals = state.Goals,
            History = [.. (await history).Select(e => JsonSerializer.Deserialize(e.Data, KernelJsonContext.Default.HistoryEntry)!)],
            Memory = [.. (await memory).Select(e => JsonSerializer.Deserialize(e.Data, KernelJsonContext.Default.MemoryItem)!)],
            Decisions = [.. (await decisions).Select(e => JsonSerializer.Deserialize(e.Data, KernelJsonContext.Default.DecisionRecord)!)],
        };
    }

    /// <summary>Replaces the grants of an agent of a tenant; they apply from the agent's next system call.</summary>
    /// <param name="id">The agent's id.</param>
    /// <param name="grants">The new grants.</param>
    /// <param name="tenant">The tenant the caller acts in; <see langword="null"/> for any.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The agent's updated descriptor.</returns>
    /// <exception cref="AosValidationException">A grant is not valid; nothing was changed.</exception>
    /// <exception cref="AgentNotFoundException">The agent is not registered in the tenant.</exception>
    public async Task<AgentDescriptor> SetGrantsAsync(AgentId id, AgentGrants grants, string? tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grants);
        grants = Normalize(grants);
        _ = await FindAsync(id, tenant, cancellationToken);
        var record = await _directory.SetGrantsAsync(id, grants, cancellationToken);
        await _grains.GetGrain<IAgentGrain>(id.Value).RefreshDescriptorAsync().WaitAsync(cancellationToken);
        return record.Descriptor;
    }

    /// <summary>Gets an agent's record (descriptor and last status) when it belongs to a tenant, without reading its state.</summary>
    /// <param name="id">The agent's id.</param>
    /// <param name="tenant">The tenant the caller acts in; <see langword="null"/> for any.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The record.</returns>
    /// <exception cref="AgentNotFoundException">The agent is not registered in the tenant: to a caller of another tenant, it does not exist.</exception>
    public async Task<AgentRecord> FindAsync(AgentId id, string? tenant, CancellationToken cancellationToken = default)
    {
        var record = await _directory.GetAsync(id, cancellationToken);
        return record is not null && (tenant is null || string.Equals(record.Descriptor.Tenant, tenant, StringComparison.Ordinal))
            ? record
            : throw new AgentNotFoundException(id.Value);
    }

    private static AgentGrants Normalize(AgentGrants grants)
    {
        var normalized = grants with
        {
            Agents = Names(grants.Agents, "grants.agents"),
            Topics = Names(grants.Topics, "grants.topics"),
        };
        normalized.Validate();
        return normalized;
    }

    private async Task<(AgentState? State, string? Error)> TryReadStateAsync(AgentId id)
    {
        var holder = new GrainState<AgentState>(new AgentState());
        try
        {
            await _storage.ReadStateAsync(AosStorageNames.AgentStateName, GrainId.Create(AosStorageNames.AgentGrainType, id.Value), holder);
            return (holder.RecordExists ? holder.State : null, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, $"The agent's state could not be loaded: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private AgentDescriptor Validate(AgentRegistration registration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (!AgentId.TryParse(registration.Id, out var id, out var error))
        {
            throw new AosValidationException(error) { Field = "id" };
        }

        if (string.IsNullOrWhiteSpace(registration.Type))
        {
            throw new AosValidationException($"Agent '{id}' needs a type. List the known types with 'aos agents types'.") { Field = "type" };
        }

        var type = _catalog.Get(registration.Type);
        var descriptor = new AgentDescriptor
        {
            Id = id,
            Type = type.Name,
            Version = type.Version,
            Purpose = string.IsNullOrWhiteSpace(registration.Purpose) ? null : registration.Purpose,
            Capabilities = Names(registration.Capabilities, "capabilities"),
            Subscriptions = Patterns(registration.Subscriptions),
            MessageTypes = Names(registration.MessageTypes, "messageTypes"),
            Config = registration.Config ?? new Dictionary<string, JsonElement>(),
            Grants = registration.Grants is { } grants ? Normalize(grants) : AgentGrants.None,
            CreatedAt = now,
        };
        type.Validate?.Invoke(_services, descriptor);
        return descriptor;
    }

    private static string[] Patterns(IReadOnlyList<string>? patterns)
    {
        foreach (var pattern in patterns ?? [])
        {
            Aos.Messaging.TopicPattern.ValidatePattern(pattern);
        }

        return Names(patterns, "subscriptions");
    }

    private static string[] Names(IReadOnlyList<string>? names, string field)
    {
        if (names is null)
        {
            return [];
        }

        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > 256)
            {
                throw new AosValidationException($"Each entry of '{field}' must be a non-empty name of at most 256 characters.") { Field = field };
            }
        }

        return [.. names.Distinct(StringComparer.Ordinal)];
    }
}
