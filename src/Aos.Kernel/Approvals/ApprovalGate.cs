using Aos.Approvals;

namespace Aos.Kernel.Approvals;

/// <summary>Holds work for an approval on the approval's grain: one approval per id, waited for by long polls that a decision ends at once.</summary>
/// <remarks>A wait survives the approval's grain moving to another node: each poll is bounded and the next one finds the grain where it is.</remarks>
internal sealed class ApprovalGate(IGrainFactory grains, TimeProvider timeProvider) : IApprovalGate
{
    // Below Orleans' response timeout (30 s by default), so a poll never times out as a call.
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(20);

    public async Task<Approval> AwaitDecisionAsync(ApprovalRequest request, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Id, nameof(request));
        var grain = grains.GetGrain<IApprovalGrain>(request.Id);
        var approval = await grain.EnsureAsync(request).WaitAsync(cancellationToken).ConfigureAwait(false);
        var until = timeProvider.GetUtcNow() + wait;
        while (approval.Status == ApprovalStatus.Pending)
        {
            var left = until - timeProvider.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            approval = await grain.WaitForDecisionAsync(left < Poll ? left : Poll).WaitAsync(cancellationToken).ConfigureAwait(false) ?? approval;
        }

        return approval;
    }
}
