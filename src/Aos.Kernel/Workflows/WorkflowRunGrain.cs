using System.Text.Json;
using Aos.Kernel.Diagnostics;
using Aos.Kernel.Timers;
using Aos.Security;
using Aos.Storage;
using Aos.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Aos.Kernel.Workflows;

/// <summary>
/// Hosts one workflow run: starts steps when their dependencies completed, persists every change before it starts what the change made
/// ready, and fires its own timers, timeouts and retries.
/// </summary>
/// <remarks>
/// <para>
/// A step's kind runs off the grain's turn and reports back through <see cref="IWorkflowRunGrain.CompleteStepAsync"/>; the run records the
/// step as running (with the attempt) before the kind starts, so after a crash the same attempt is started again and the kind, idempotent
/// by attempt, finds what it did. Nothing completed is run again.
/// </para>
/// <para>
/// Deadlines (timers, step timeouts, retries, checks of waiting steps) are armed twice, like a state machine's timeout: a timer on the
/// node's <see cref="TimeProvider"/> while the run is active, and one Orleans reminder, updated only when the next deadline moves earlier,
/// that wakes the run after a deactivation or a restart. While a step executes in this node, the next deadline is at most
/// <see cref="WorkflowOptions.ResumeDelay"/> away, so a run interrupted by a crash is resumed as the node starts again.
/// </para>
/// </remarks>
[GrainType("aos-wf-run")]
internal sealed partial class WorkflowRunGrain(
    WorkflowCatalog catalog,
    WorkflowPayloads payloads,
    WorkflowStepKinds kinds,
    IAgentJournal journal,
    IOptions<WorkflowOptions> options,
    [FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage storage,
    TimeProvider timeProvider,
    ILogger<WorkflowRunGrain> logger) : Grain, IWorkflowRunGrain, IRemindable, IDisposable
{
    internal const string ReminderName = "aos.wf.run";

    /// <summary>The pseudo agent whose history journal lists the runs, newest last.</summary>
    internal static readonly AgentId RunList = AgentId.Parse("aos.workflow-runs");

    private const string StateName = "workflow-run";
    private readonly GrainState<WorkflowRunState> _state = new(new WorkflowRunState());
    private readonly WorkflowOptions _options = options.Value;
    private readonly HashSet<(string Step, bool Compensating)> _inFlight = [];
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GrainDeadline? _deadline;
    private JournalAppend? _listing;
    private WorkflowDefinition? _definition;

    private WorkflowRunPayloads? _payloads;

    private WorkflowRunState State => _state.State!;

    private WorkflowRun? Run => _state.RecordExists ? State.Run : null;

    private string RunId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _deadline = new GrainDeadline(this, timeProvider, ReminderName, this.AsReference<IWorkflowRunGrain>().TickAsync);
        await storage.ReadStateAsync(StateName, this.GetGrainId(), _state);
        _state.State ??= new WorkflowRunState();
        _payloads = new WorkflowRunPayloads(payloads, RunId, (reference, ex) => Log.PayloadDeleteFailed(logger, RunId, reference, ex));
        _payloads.Loaded(State);
        _reminderMayExist = State.ReminderAt is not null;
        if (Run is { } run)
        {
            if (IsDueToBeForgotten())
            {
                await ForgetRunAsync();
                return;
            }

            _definition = await catalog.GetVersionAsync(State.Definition);
            if (!run.IsFinished || State.Parent is not null && !State.ParentNotified)
            {
                // Whatever was executing when the run was last active is started again (same attempt: the kinds are idempotent).
                await AdvanceAsync(restart: true);
            }
            else if (State.ReminderAt is null && ForgetAt() is not null)
            {
                // Finished before a retention was set, or its reminder was lost: it is forgotten in time all the same.
                await EnsureReminderAsync();
            }
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deadline?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _deadline?.Dispose();

    public async Task<WorkflowRun> StartAsync(WorkflowStartRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Run is { } existing)
        {
            // Run ids are unique across tenants; another tenant's run is not described, not even by its workflow.
            return existing.Tenant != request.Tenant ? throw new WorkflowRunRefusedException($"The run id '{RunId}' is taken; choose another.")
                : existing.Workflow == request.Workflow ? existing
                : throw new WorkflowRunRefusedException($"The run id '{RunId}' is taken by a run of '{existing.Workflow}'; choose another id.");
        }

        var (version, definition) = await catalog.GetLatestAsync(request.Workflow, request.Tenant);
        var now = timeProvider.GetUtcNow();
        var input = request.Input is null ? null : await StorePayloadAsync(NormalizeJson(request.Input, "input"));

        // The run is listed by its first save: in the same transaction when the storage can (SQLite), otherwise just before it, so a
        // crash in between leaves an id the list skips, never a run that is not listed.
        _listing = new JournalAppend(JournalKind.History, [JsonSerializer.Serialize(new RunListEntry(RunId, request.Workflow, request.Tenant == AosTenants.Default ? null : request.Tenant), KernelJsonContext.Default.RunListEntry)], now, _options.RunListLimit);
        var admitted = _options.MaxConcurrentRuns == 0
            || await GrainFactory.GetGrain<IWorkflowAdmissionGrain>(WorkflowAdmissionGrain.Key).AdmitAsync(RunId, request.Priority);

        var run = WorkflowScheduler.Start(definition, RunId, now) with
        {
            Priority = request.Priority,
            Tenant = request.Tenant,
            Parent = request.Parent?.ToString(),
            DefinitionVersion = version[WorkflowPayloads.RefPrefix.Length..][..12],
            Status = admitted ? WorkflowStatus.Running : WorkflowStatus.Queued,
        };
        _definition = definition;
        State.Definition = version;
        State.Input = input;
        State.Parent = request.Parent;
        State.Admitted = admitted && _options.MaxConcurrentRuns > 0;
        State.Run = run;
        await AdvanceAsync(restart: false, changed: true);
        return Run!;
    }

    public Task<WorkflowRun?> GetAsync() => Task.FromResult(Run);

    public async Task<WorkflowRun?> WaitAsync(TimeSpan timeout)
    {
        if (Run is null or { IsFinished: true })
        {
            return Run;
        }

        try
        {
            await _finished.Task.WaitAsync(timeout, timeProvider);
        }
        catch (TimeoutException)
        {
            // Answered with the run as it stands.
        }

        return Run;
    }

    public async Task<WorkflowRun> CancelAsync()
    {
        var run = Existing();
        State.Run = WorkflowScheduler.Cancel(run, timeProvider.GetUtcNow());
        _inFlight.Clear();
        await AdvanceAsync(restart: false, changed: true);

        // Child runs of steps that were running are cancelled too, without waiting: a cancelled child tells this run, which must not
        // be in this turn then. One that has finished meanwhile refuses, which is fine.
        foreach (var step in run.Steps.Where(s => s.Status == StepStatus.Running && _definition!.Steps.First(d => d.Id == s.Id).Kind == ChildKind))
        {
            var child = new WorkflowStepContext { RunId = RunId, Workflow = run.Workflow, StepId = step.Id, Attempt = step.Attempts, Iteration = run.Iteration }.IdempotencyKey;
            _ = GrainFactory.GetGrain<IWorkflowRunGrain>(child).CancelAsync().ContinueWith(
                t => Log.ChildNotCancelled(logger, RunId, child, t.Exception!.GetBaseException().Message),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted,
                TaskScheduler.Default);
        }

        return Run!;
    }

    public async Task<WorkflowRun> SignalAsync(string name, string? payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var run = Existing();
        if (run.IsFinished)
        {
            throw new WorkflowRunRefusedException($"Run '{RunId}' is {run.Status}; a finished run takes no signals.");
        }

        var json = payload is null ? null : NormalizeJson(payload, "payload");
        var waiting = _definition!.Steps.FirstOrDefault(s => s.Kind == SignalKind && SignalName(s) == name && Step(s.Id).Status == StepStatus.Running);
        if (waiting is not null)
        {
            await RecordAsync(waiting.Id, compensating: false, WorkflowStepOutcome.CompletedJson(json));
        }
        else
        {
            if (!State.Signals.TryGetValue(name, out var queue))
            {
                State.Signals[name] = queue = [];
            }

            queue.Add(json);
            await AdvanceAsync(restart: false, changed: true);
        }

        return Run!;
    }

    public async Task CompleteStepAsync(WorkflowStepAddress attempt, WorkflowStepOutcome outcome)
    {
        var step = attempt;
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(outcome);
        if (Run is not { } run || run.Iteration != step.Iteration || run.Steps.FirstOrDefault(s => s.Id == step.StepId) is not { } current
            || current.Attempts != step.Attempt)
        {
            return; // A late word about an attempt that is no longer current.
        }

        await RecordAsync(step.StepId, step.Compensating, outcome);
    }

    public async Task TickAsync()
    {
        if (Run is null)
        {
            await _deadline!.ForgetAsync();
            return;
        }

        if (IsDueToBeForgotten())
        {
            await ForgetRunAsync();
            return;
        }

        await AdvanceAsync(restart: false);

        // A reminder left behind by a finished run (one that fired as the run finished) is removed on its next tick.
        await ForgetIdleReminderAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // The reminder fired: it is not registered for a later time until the next change says so, but it is still registered.
        _reminderMayExist = true;
        if (State.ReminderAt is { } at && at <= timeProvider.GetUtcNow())
        {
            State.ReminderAt = null;
        }

        return TickAsync();
    }

    public async Task SuspendAsync()
    {
        if (Run is { Status: WorkflowStatus.Running } run)
        {
            State.Run = run with { Status = WorkflowStatus.Suspended, UpdatedAt = timeProvider.GetUtcNow() };
            State.Admitted = false;
            await AdvanceAsync(restart: false, changed: true);
            Log.Suspended(logger, RunId, run.Workflow);
        }
    }

    public async Task ResumeAsync()
    {
        if (Run is { Status: WorkflowStatus.Queued or WorkflowStatus.Suspended } run)
        {
            State.Run = run with { Status = WorkflowStatus.Running, UpdatedAt = timeProvider.GetUtcNow() };
            State.Admitted = _options.MaxConcurrentRuns > 0;
            await AdvanceAsync(restart: false, changed: true);
        }
        else if (Run is null or { IsFinished: true })
        {
            // Admitted after it finished (a notice lost in a crash), or after it was forgotten: give the slot back.
            await GrainFactory.GetGrain<IWorkflowAdmissionGrain>(WorkflowAdmissionGrain.Key).ReleaseAsync(RunId);
        }
    }

    /// <summary>Gets when a finished run is to be forgotten, under <see cref="WorkflowOptions.Retention"/>; <see langword="null"/> for a run that is kept.</summary>
    private DateTimeOffset? ForgetAt() =>
        _options.Retention is { } retention && Run is { IsFinished: true } run ? (run.FinishedAt ?? run.UpdatedAt) + retention : null;

    /// <summary>Tells whether the run is past its retention with nothing owed for it (its parent told, its slot given back).</summary>
    private bool IsDueToBeForgotten() =>
        ForgetAt() is { } at && at <= timeProvider.GetUtcNow() && !_admissionOwed && (State.Parent is null || State.ParentNotified);

    /// <summary>Removes the run's state, then its reminder: afterwards the run answers as one that never was.</summary>
    /// <remarks>A reminder left by a failure between the two finds no run on its next tick and is removed then.</remarks>
    private async Task ForgetRunAsync()
    {
        var run = Run!;
        _deadline!.Arm(null);
        await storage.ClearStateAsync(StateName, this.GetGrainId(), _state);
        _state.State = new WorkflowRunState();
        _payloads!.Saved(State);
        await _payloads.SweepAsync(forgotten: true);
        _definition = null;
        _reminder = null;
        await _deadline.ForgetAsync();
        _reminderMayExist = false;
        KernelDiagnostics.WorkflowRunsForgotten.Add(1);
        Log.Forgotten(logger, RunId, run.Workflow, run.Status);
        DeactivateOnIdle();
    }

    private WorkflowRun Existing() =>
        Run ?? throw new WorkflowNotFoundException($"There is no workflow run '{RunId}'.");

    private StepRun Step(string id) => State.Run!.Steps.First(s => s.Id == id);

    private static string NormalizeJson(string json, string field)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(json)?.ToJsonString() ?? "null";
        }
        catch (JsonException ex)
        {
            throw new AosValidationException($"The {field} is not valid JSON: {ex.Message}", ex) { Field = field };
        }
    }

    private async Task<string> StorePayloadAsync(string json) =>
        System.Text.Encoding.UTF8.GetByteCount(json) > _options.InlinePayloadBytes ? await _payloads!.StoreAsync(json) : json;

    private async Task<JsonElement?> LoadPayloadAsync(string? stored)
    {
        if (stored is null)
        {
            return null;
        }

        var json = stored.StartsWith(WorkflowPayloads.RefPrefix, StringComparison.Ordinal) ? await payloads.GetAsync(stored, RunId) : stored;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Workflow run '{RunId}' of '{Workflow}' suspended for a more urgent run")]
        public static partial void Suspended(ILogger logger, string runId, string workflow);

        [LoggerMessage(2, LogLevel.Warning, "Workflow run '{RunId}': step '{StepId}' could not report its outcome; it is checked again at its next deadline")]
        public static partial void ReportFailed(ILogger logger, string runId, string stepId, Exception exception);

        [LoggerMessage(3, LogLevel.Warning, "Workflow run '{RunId}' could not tell {Whom}; it tries again at its next deadline")]
        public static partial void NoticeFailed(ILogger logger, string runId, string whom, Exception exception);

        [LoggerMessage(4, LogLevel.Debug, "Workflow run '{RunId}' was cancelled; its child run '{ChildId}' was not: {Reason}")]
        public static partial void ChildNotCancelled(ILogger logger, string runId, string childId, string reason);

        [LoggerMessage(5, LogLevel.Information, "Workflow run '{RunId}' of '{Workflow}' ({Status}) forgotten: it finished longer ago than Aos:Workflows:Retention")]
        public static partial void Forgotten(ILogger logger, string runId, string workflow, string status);

        [LoggerMessage(6, LogLevel.Warning, "Workflow run '{RunId}' could not delete its payload {Reference}, which it no longer holds; it tries again at its next change, and the payload stays if the run was being forgotten")]
        public static partial void PayloadDeleteFailed(ILogger logger, string runId, string reference, Exception exception);
    }
}

/// <summary>One entry of the run list: the run, its workflow, and its tenant (none for the default tenant).</summary>
internal sealed record RunListEntry(string Id, string Workflow, string? Tenant = null);
