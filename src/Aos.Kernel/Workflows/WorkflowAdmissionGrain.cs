using Aos.Messaging;
using Aos.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;

namespace Aos.Kernel.Workflows;

/// <summary>
/// Keeps the cluster's limit on running workflows (<see cref="WorkflowOptions.MaxConcurrentRuns"/>): who holds a slot, who waits in what
/// order (priority, then arrival), and which runs were suspended for a critical one.
/// </summary>
/// <remarks>
/// <para>
/// One grain for the cluster. Its state is durable before it answers; concurrent calls share a write (the grain is reentrant and
/// every change is applied in memory before the write it waits for), so the grain costs one write per batch of starts, not per start.
/// </para>
/// <para>
/// When the limit is reached, a critical run takes the slot of the lowest-priority running one (the latest started among equals), which
/// is suspended — it starts no step until resumed — and queued at its priority. When it activates, the grain tells the runs it admitted
/// and the ones it suspended again, and gives back the slots of runs that finished or never started, so a notice lost in a crash is repaired.
/// </para>
/// </remarks>
[Reentrant]
[GrainType("aos-wf-admission")]
internal sealed partial class WorkflowAdmissionGrain(
    [FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage storage,
    IOptions<WorkflowOptions> options,
    ILogger<WorkflowAdmissionGrain> logger) : Grain, IWorkflowAdmissionGrain
{
    internal const string Key = "runs";
    private const string StateName = "wf-admission";
    private readonly GrainState<AdmissionState> _state = new(new AdmissionState());
    private Task _write = Task.CompletedTask;
    private long _changes;
    private long _written;

    private AdmissionState State => _state.State!;

    private int Limit => options.Value.MaxConcurrentRuns;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await storage.ReadStateAsync(StateName, this.GetGrainId(), _state);
        _state.State ??= new AdmissionState();
        if (State.Running.Count > 0 || State.Suspending.Count > 0)
        {
            _ = Task.Run(() => RepairAsync(this.AsReference<IWorkflowAdmissionGrain>()), CancellationToken.None);
        }
    }

    public async Task<bool> AdmitAsync(string runId, MessagePriority priority)
    {
        if (State.Running.ContainsKey(runId))
        {
            return true;
        }

        if (State.Queue.Any(q => q.RunId == runId))
        {
            return false;
        }

        var entry = new AdmissionEntry(runId, priority, ++State.Sequence);
        string? victim = null;
        if (State.Running.Count >= Limit && priority == MessagePriority.Critical)
        {
            victim = State.Running.Values.Where(r => r.Priority < MessagePriority.Critical)
                .OrderBy(r => r.Priority).ThenByDescending(r => r.Sequence).Select(r => r.RunId).FirstOrDefault();
            if (victim is not null)
            {
                State.Queue.Add(State.Running[victim]);
                State.Running.Remove(victim);
                State.Suspending.Add(victim);
            }
        }

        var admitted = State.Running.Count < Limit;
        if (admitted)
        {
            State.Running[runId] = entry;
        }
        else
        {
            State.Queue.Add(entry);
        }

        await PersistAsync();
        if (victim is not null)
        {
            Log.Preempted(logger, victim, runId);
            Notify(victim, suspend: true);
        }

        return admitted;
    }

    public async Task ReleaseAsync(string runId)
    {
        var removed = State.Running.Remove(runId) | State.Queue.RemoveAll(q => q.RunId == runId) > 0 | State.Suspending.Remove(runId);
        var resumed = new List<string>();
        while (State.Running.Count < Limit && State.Queue.Count > 0)
        {
            var next = State.Queue.OrderByDescending(q => q.Priority).ThenBy(q => q.Sequence).First();
            State.Queue.Remove(next);
            State.Suspending.Remove(next.RunId);
            State.Running[next.RunId] = next;
            resumed.Add(next.RunId);
        }

        if (removed || resumed.Count > 0)
        {
            await PersistAsync();
        }

        foreach (var id in resumed)
        {
            Notify(id, suspend: false);
        }
    }

    public Task<(int Running, int Queued)> GetCountsAsync() => Task.FromResult((State.Running.Count, State.Queue.Count));

    /// <summary>Writes the state once every change made so far is in it; concurrent callers share one write.</summary>
    private async Task PersistAsync()
    {
        var mine = ++_changes;
        while (_written < mine)
        {
            if (_write.IsCompleted)
            {
                _write = WriteAsync();
            }

            await _write;
        }
    }

    private async Task WriteAsync()
    {
        var upTo = _changes;
        await storage.WriteStateAsync(StateName, this.GetGrainId(), _state);
        _written = upTo;
    }

    private void Notify(string runId, bool suspend)
    {
        var run = GrainFactory.GetGrain<IWorkflowRunGrain>(runId);
        _ = (suspend ? run.SuspendAsync() : run.ResumeAsync()).ContinueWith(
            t => Log.NoticeFailed(logger, runId, t.Exception!),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
    }

    /// <summary>Tells the admitted and suspended runs again, and frees the slots of runs that finished or were never stored.</summary>
    private async Task RepairAsync(IWorkflowAdmissionGrain self)
    {
        foreach (var id in State.Running.Keys.ToList())
        {
            try
            {
                var run = await GrainFactory.GetGrain<IWorkflowRunGrain>(id).GetAsync();
                if (run is null || run.IsFinished)
                {
                    await self.ReleaseAsync(id);
                }
                else if (run.Status is WorkflowStatus.Queued or WorkflowStatus.Suspended)
                {
                    await GrainFactory.GetGrain<IWorkflowRunGrain>(id).ResumeAsync();
                }
            }
            catch (Exception ex)
            {
                Log.NoticeFailed(logger, id, ex);
            }
        }

        foreach (var id in State.Suspending.ToList())
        {
            Notify(id, suspend: true);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "The limit on running workflows is reached: run '{Victim}' is suspended for the critical run '{RunId}'")]
        public static partial void Preempted(ILogger logger, string victim, string runId);

        [LoggerMessage(2, LogLevel.Warning, "Could not tell workflow run '{RunId}' that it was suspended or resumed; it is told again when the admission restarts")]
        public static partial void NoticeFailed(ILogger logger, string runId, Exception exception);
    }
}

/// <summary>A run holding, or waiting for, a slot.</summary>
[GenerateSerializer, Immutable, Alias("aos.workflow-admission-entry")]
internal sealed record AdmissionEntry([property: Id(0)] string RunId, [property: Id(1)] MessagePriority Priority, [property: Id(2)] long Sequence);

/// <summary>What the admission persists.</summary>
[GenerateSerializer, Alias("aos.workflow-admission-state")]
internal sealed class AdmissionState
{
    [Id(0)] public Dictionary<string, AdmissionEntry> Running { get; set; } = new(StringComparer.Ordinal);

    [Id(1)] public List<AdmissionEntry> Queue { get; set; } = [];

    [Id(2)] public HashSet<string> Suspending { get; set; } = new(StringComparer.Ordinal);

    [Id(3)] public long Sequence { get; set; }
}
