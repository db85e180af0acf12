using System.Text.Json;
using System.Text.RegularExpressions;
using Aos.Messaging;
using Aos.Security;
using Aos.Storage;
using Aos.Workflows;

namespace Aos.Kernel.Workflows;

/// <summary>Registers workflows, starts, lists, signals and cancels runs: the front door for HTTP, the CLI and agents.</summary>
/// <remarks>
/// Workflows and runs belong to a tenant, and every member acts in the tenant it is given: a tenant registers, finds and lists only its
/// own workflows, and a run of another tenant is answered like a run that does not exist. Run ids are unique across tenants.
/// </remarks>
public sealed partial class WorkflowClient(IGrainFactory grains, WorkflowCatalog catalog, IAgentJournal journal, TimeProvider timeProvider)
{
    /// <summary>The most runs one list call returns.</summary>
    public const int MaxPageSize = 1_000;

    /// <summary>Validates and registers a workflow definition; a changed definition under a taken name becomes its newest version.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="tenant">The tenant it belongs to.</param>
    /// <returns>The version and whether it is new.</returns>
    /// <exception cref="AosValidationException">The definition is invalid; the message names the step, edge or cycle at fault.</exception>
    public Task<(string Version, bool Created)> RegisterAsync(WorkflowDefinition definition, string tenant = AosTenants.Default) =>
        catalog.RegisterAsync(definition, tenant);

    /// <summary>Gets the newest version of a tenant's workflow definition.</summary>
    /// <param name="name">The workflow's name.</param>
    /// <param name="tenant">The tenant the caller acts in.</param>
    /// <returns>The version and the definition.</returns>
    /// <exception cref="WorkflowNotFoundException">The tenant has no such workflow.</exception>
    public Task<(string Version, WorkflowDefinition Definition)> GetDefinitionAsync(string name, string tenant = AosTenants.Default) =>
        catalog.GetLatestAsync(name, tenant);

    /// <summary>Lists the names of a tenant's workflows.</summary>
    /// <param name="tenant">The tenant the caller acts in.</param>
    /// <returns>The names, in order.</returns>
    public Task<IReadOnlyList<string>> ListDefinitionsAsync(string tenant = AosTenants.Default) => catalog.ListAsync(tenant);

    /// <summary>Starts a run of a tenant's workflow; starting the same run id again returns the run as it stands.</summary>
    /// <param name="workflow">The workflow's name.</param>
    /// <param name="input">The run's input, a JSON value, if any.</param>
    /// <param name="runId">The run id; a new one when <see langword="null"/>.</param>
    /// <param name="priority">The run's priority.</param>
    /// <param name="tenant">The tenant the run belongs to.</param>
    /// <returns>The run.</returns>
    /// <exception cref="WorkflowNotFoundException">The tenant has no such workflow.</exception>
    /// <exception cref="WorkflowRunRefusedException">The run id is taken by a run of another workflow, or of another tenant.</exception>
    /// <exception cref="AosValidationException">The run id or the input is invalid.</exception>
    public Task<WorkflowRun> StartAsync(
        string workflow, string? input = null, string? runId = null, MessagePriority priority = MessagePriority.Normal, string tenant = AosTenants.Default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflow);
        AosTenants.Validate(tenant);
        var id = runId ?? Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N");
        if (!RunIdPattern().IsMatch(id))
        {
            throw new AosValidationException($"The run id '{id}' is invalid: use 1–128 letters, digits, '.', '-' or '_', starting with a letter or digit.") { Field = "id" };
        }

        if (!Enum.IsDefined(priority))
        {
            throw new AosValidationException($"The priority {priority} is not one of low, normal, high, critical.") { Field = "priority" };
        }

        return Run(id).StartAsync(new WorkflowStartRequest { Workflow = workflow, Input = input, Priority = priority, Tenant = tenant });
    }

    /// <summary>Gets a run of a tenant.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="tenant">The tenant the caller acts in.</param>
    /// <returns>The run.</returns>
    /// <exception cref="WorkflowNotFoundException">The tenant has no such run.</exception>
    public async Task<WorkflowRun> GetAsync(string runId, string tenant = AosTenants.Default) =>
        InTenant(await Run(runId).GetAsync(), runId, tenant);

    /// <summary>Waits until a run of a tenant has finished, or the timeout passed.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="tenant">The tenant the caller acts in.</param>
    /// <returns>The run as it stands at the end of the wait.</returns>
    /// <exception cref="WorkflowNotFoundException">The tenant has no such run.</exception>
    public async Task<WorkflowRun> WaitAsync(string runId, TimeSpan timeout, string tenant = AosTenants.Default)
    {
        // Looked at first, so that another tenant's run is not found at once rather than after the wait.
        var run = await GetAsync(runId, tenant);
        return run.IsFinished ? run : InTenant(await Run(runId).WaitAsync(timeout), runId, tenant);
    }

    /// <summary>Lists a tenant's newest runs, newest first, optionally of one workflow or in one status.</summary>
    /// <param name="workflow">The workflow, or <see langword="null"/> for all.</param>
    /// <param name="status">The status, or <see langword="null"/> for all.</param>
    /// <param name="limit">The most runs, 1 to <see cref="MaxPageSize"/>.</param>
    /// <param name="tenant">The tenant the caller acts in.</param>
    /// <returns>The runs.</returns>
    public async Task<IReadOnlyList<WorkflowRun>> ListAsync(string? workflow, string? status, int limit, string tenant = AosTenants.Default)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            throw new AosValidationException($"The limit is {limit}; it must be between 1 and {MaxPageSize}.") { Field = "limit" };
        }

        // Filters (the tenant is one: the list holds every tenant's runs) are applied to a window of the newest entries, a few pages deep.
        var entries = await journal.ReadAsync(WorkflowRunGrain.RunList, JournalKind.History, Math.Min(limit * 10, 10_000));
        var ids = entries.Reverse()
            .Select(e => JsonSerializer.Deserialize(e.Data, KernelJsonContext.Default.RunListEntry)!)
            .Where(e => (e.Tenant ?? AosTenants.Default) == tenant && (workflow is null || e.Workflow == workflow))
            .Select(e => e.Id)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var runs = new List<WorkflowRun>(limit);
        foreach (var chunk in ids.Chunk(64))
        {
            foreach (var run in await Task.WhenAll(chunk.Select(id => Run(id).GetAsync())))
            {
                if (run is not null && run.Tenant == tenant && (status is null || run.Status == status) && runs.Count < limit)
                {
                    runs.Add(run);
                }
            }

            if (runs.Count >= limit)
            {
                break;
            }
        }

        return runs;
    }

    /// <summary>Cancels a run of a tenant that has not finished.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="tenant">The tenant the caller acts in.</param>
    /// <returns>The cancelled run.</returns>
    /// <exception cref="WorkflowNotFoundException">The tenant has no such run.</exception>
    /// <exception cref="WorkflowRunRefusedException">The run has finished.</exception>
    public async Task<WorkflowRun> CancelAsync(string runId, string tenant = AosTenants.Default)
    {
        // A run never changes tenant, so what is checked here still holds when the run is cancelled.
        await GetAsync(runId, tenant);
        return await Run(runId).CancelAsync();
    }

    /// <summary>Sends a named signal to a run of a tenant: a step waiting for it completes with the payload; otherwise the next step to wait for it takes it.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="name">The signal's name.</param>
    /// <param name="payload">Its payload, a JSON value, if any.</param>
    /// <param name="tenant">The tenant the caller acts in.</param>
    /// <returns>The run after the signal.</returns>
    /// <exception cref="WorkflowNotFoundException">The tenant has no such run.</exception>
    /// <exception cref="WorkflowRunRefusedException">The run has finished.</exception>
    public async Task<WorkflowRun> SignalAsync(string runId, string name, string? payload, string tenant = AosTenants.Default)
    {
        await GetAsync(runId, tenant);
        return await Run(runId).SignalAsync(name, payload);
    }

    /// <summary>Finishes a waiting step of an extension kind, from outside the run.</summary>
    /// <param name="step">The step's attempt.</param>
    /// <param name="outcome">What became of it.</param>
    /// <returns>A task that completes when the outcome is durable (or ignored, when the attempt is no longer current).</returns>
    public Task CompleteStepAsync(WorkflowStepAddress step, WorkflowStepOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(step);
        return Run(step.RunId).CompleteStepAsync(step, outcome);
    }

    private static WorkflowRun InTenant(WorkflowRun? run, string runId, string tenant) =>
        run is not null && run.Tenant == tenant ? run : throw new WorkflowNotFoundException($"There is no workflow run '{runId}'.");

    private IWorkflowRunGrain Run(string id) => grains.GetGrain<IWorkflowRunGrain>(id);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex RunIdPattern();
}
