namespace Aos.Approvals;

/// <summary>Holds work for an approval: requests it once per id and waits for its decision.</summary>
public interface IApprovalGate
{
    /// <summary>Requests an approval unless one with the request's id exists, and waits until it is decided or the wait ends.</summary>
    /// <param name="request">The approval to request; its <see cref="ApprovalRequest.Id"/> is required and names the held work.</param>
    /// <param name="wait">How long to wait for the decision.</param>
    /// <param name="cancellationToken">Stops waiting; the approval stays.</param>
    /// <returns>The approval: decided, or still pending when the wait ended.</returns>
    Task<Approval> AwaitDecisionAsync(ApprovalRequest request, TimeSpan wait, CancellationToken cancellationToken = default);
}
