using Aos.Approvals;
using Aos.Kernel.Diagnostics;
using Aos.Kernel.Timers;
using Aos.Kernel.Workflows;
using Aos.Kernel.Workflows.Kinds;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Aos.Kernel.Approvals;

/// <summary>
/// Hosts one approval: every change is durable before the answer; deadlines escalate or expire it by themselves, and, with
/// <see cref="ApprovalOptions.Retention"/> set, a decided approval forgets itself that long after its last change.
/// </summary>
[GrainType("aos-approval")]
internal sealed partial class ApprovalGrain(
    [FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage storage,
    IOptions<ApprovalOptions> options,
    TimeProvider timeProvider,
    ILogger<ApprovalGrain> logger) : Grain, IApprovalGrain, IRemindable, IDisposable
{
    internal const string IndexKey = "pending";
    private const string StateName = "approval";
    internal const string ReminderName = "aos.approval.deadline";

    private readonly GrainState<Approval?> _state = new(null);
    private GrainDeadline? _deadline;
    private TaskCompletionSource? _decided;

    private Approval? Current => _state.RecordExists ? _state.State : null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _deadline = new GrainDeadline(this, timeProvider, ReminderName, this.AsReference<IApprovalGrain>().ApplyDeadlineAsync);
        await storage.ReadStateAsync(StateName, this.GetGrainId(), _state);

        // A deadline (or the end of a decided approval's retention) that passed while the approval was asleep or the node was down
        // applies before any call is served.
        if (Deadline(Current) is { } due && due <= timeProvider.GetUtcNow())
        {
            await ApplyDeadlineAsync();
            return;
        }

        if (Current is { Status: not ApprovalStatus.Pending } && Deadline(Current) is { } forgetAt)
        {
            // Decided before a retention was set, or asleep since: it is forgotten in time all the same.
            await _deadline.EnsureScheduledAsync(forgetAt);
            return;
        }

        _deadline.Arm(Deadline(Current));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deadline?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _deadline?.Dispose();

    public async Task<Approval> CreateAsync(ApprovalRequest request)
    {
        if (Current is { } existing)
        {
            // Ids are unique across tenants; another tenant's approval is not described, not even by its status.
            throw new AosValidationException(existing.Tenant == request.Tenant
                ? $"Approval '{existing.Id}' exists already ({existing.Status}); choose another id."
                : $"The approval id '{existing.Id}' is taken; choose another id.") { Field = "id" };
        }

        var approval = ApprovalRules.Create(request, this.GetPrimaryKeyString(), timeProvider.GetUtcNow());
        await SaveAsync(approval);
        return approval;
    }

    public async Task<Approval> EnsureAsync(ApprovalRequest request) =>
        Current is { } existing && existing.Tenant == request.Tenant ? existing : await CreateAsync(request);

    public async Task<Approval?> WaitForDecisionAsync(TimeSpan wait)
    {
        if (Current is not { Status: ApprovalStatus.Pending })
        {
            return Current;
        }

        var decided = (_decided ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        using var timeout = new CancellationTokenSource(wait, timeProvider);
        await decided.WaitAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        return Current;
    }

    public Task<Approval?> GetAsync() => Task.FromResult(Current);

    public async Task<Approval> DecideAsync(string tenant, bool approve, string by, string[] roles, string? comment)
    {
        var next = ApprovalRules.Decide(Existing(tenant), approve, by, roles, comment, timeProvider.GetUtcNow());
        await SaveAsync(next);
        return next;
    }

    public async Task<Approval> CommentAsync(string tenant, string by, string text)
    {
        var next = ApprovalRules.Comment(Existing(tenant), by, text, timeProvider.GetUtcNow());
        await SaveAsync(next);
        return next;
    }

    public async Task ApplyDeadlineAsync()
    {
        if (Current is { Status: not ApprovalStatus.Pending } decided && Deadline(decided) is { } forgetAt)
        {
            if (forgetAt <= timeProvider.GetUtcNow())
            {
                await ForgetAsync(decided);
            }
            else
            {
                _deadline!.Arm(forgetAt);
            }

            return;
        }

        if (Current is not { DeadlineAt: not null } approval)
        {
            await _deadline!.ForgetAsync();
            return;
        }

        var next = ApprovalRules.ApplyDeadline(approval, timeProvider.GetUtcNow());
        if (ReferenceEquals(next, approval))
        {
            _deadline!.Arm(approval.DeadlineAt);
            return;
        }

        await SaveAsync(next);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => ApplyDeadlineAsync();

    /// <summary>Tells the workflow step that asked for the approval how it ended; if this fails, the step finds out when it checks again.</summary>
    private async Task NotifyAsync(Approval approval)
    {
        if (!WorkflowStepAddress.TryParse(approval.Notify, out var step))
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IWorkflowRunGrain>(step.RunId).CompleteStepAsync(step, ApprovalStepKind.Outcome(approval));
        }
        catch (Exception ex)
        {
            Log.NotifyFailed(logger, approval.Id, step.RunId, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not tell workflow run '{RunId}' that approval '{ApprovalId}' was decided; the run checks it again later")]
        public static partial void NotifyFailed(ILogger logger, string approvalId, string runId, Exception exception);

        [LoggerMessage(2, LogLevel.Information, "Approval '{ApprovalId}' ({Status}) forgotten: it is past Aos:Approvals:Retention")]
        public static partial void Forgotten(ILogger logger, string approvalId, string status);
    }

    private Approval Existing(string tenant) =>
        Current is { } approval && approval.Tenant == tenant ? approval : throw new ApprovalNotFoundException($"There is no approval '{this.GetPrimaryKeyString()}'.");

    private async Task SaveAsync(Approval approval)
    {
        var before = Current;
        var pending = approval.Status == ApprovalStatus.Pending;
        var index = GrainFactory.GetGrain<IApprovalIndexGrain>(IndexKey);

        // Listed before it is stored and unlisted after it is decided: a crash in between leaves an id the list skips, never a
        // pending approval that is not listed.
        if (before is null && pending)
        {
            await index.SetPendingAsync(approval.Id, pending: true);
        }

        var (previous, existed) = (_state.State, _state.RecordExists);
        _state.State = approval;
        try
        {
            await storage.WriteStateAsync(StateName, this.GetGrainId(), _state);
        }
        catch
        {
            (_state.State, _state.RecordExists) = (previous, existed);
            throw;
        }

        if (before?.Status == ApprovalStatus.Pending && !pending)
        {
            Interlocked.Exchange(ref _decided, null)?.TrySetResult();
            await index.SetPendingAsync(approval.Id, pending: false);
            await NotifyAsync(approval);
        }

        await _deadline!.ScheduleAsync(Deadline(approval), Deadline(before) is not null);
    }

    /// <summary>Gets an approval's deadline: its stage's, or, once decided, when it is forgotten under the retention.</summary>
    private DateTimeOffset? Deadline(Approval? approval) => approval switch
    {
        null => null,
        { Status: ApprovalStatus.Pending } => approval.DeadlineAt,
        _ => options.Value.Retention is { } retention ? approval.UpdatedAt + retention : null,
    };

    /// <summary>Removes a decided approval past its retention: its state, then its reminder (one left by a failure finds nothing and removes itself).</summary>
    private async Task ForgetAsync(Approval approval)
    {
        _deadline!.Arm(null);
        await storage.ClearStateAsync(StateName, this.GetGrainId(), _state);
        _state.State = null;
        await _deadline.ForgetAsync();
        KernelDiagnostics.ApprovalsForgotten.Add(1);
        Log.Forgotten(logger, approval.Id, approval.Status);
        DeactivateOnIdle();
    }
}

/// <summary>Keeps the ids of the pending approvals, in the agents' grain storage.</summary>
/// <remarks>One stored set, rewritten when an approval starts or stops pending: fine for thousands of pending approvals.</remarks>
[GrainType("aos-approval-index")]
internal sealed class ApprovalIndexGrain([FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage storage) : Grain, IApprovalIndexGrain
{
    private const string StateName = "approval-index";
    private readonly GrainState<SortedSet<string>> _state = new(new SortedSet<string>(StringComparer.Ordinal));

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await storage.ReadStateAsync(StateName, this.GetGrainId(), _state);
        _state.State ??= new SortedSet<string>(StringComparer.Ordinal);
    }

    public async Task SetPendingAsync(string id, bool pending)
    {
        if (pending ? _state.State!.Add(id) : _state.State!.Remove(id))
        {
            await storage.WriteStateAsync(StateName, this.GetGrainId(), _state);
        }
    }

    public Task<string[]> ListAsync(string? after, int limit)
    {
        // A view from the cursor on, not a scan from the start: a list call reads the index a batch at a time.
        var set = _state.State!;
        if (set.Count == 0 || (after is not null && string.CompareOrdinal(after, set.Max) >= 0))
        {
            return Task.FromResult(Array.Empty<string>());
        }

        var from = after is null ? set : set.GetViewBetween(after, set.Max!).SkipWhile(id => string.Equals(id, after, StringComparison.Ordinal));
        return Task.FromResult(from.Take(limit).ToArray());
    }
}
