using Aos.Approvals;
using Orleans.Concurrency;

namespace Aos.Kernel.Approvals;

/// <summary>Hosts one approval, keyed by its id: persists it and applies its deadlines by itself.</summary>
[Alias("aos.approval-grain")]
public interface IApprovalGrain : IGrainWithStringKey
{
    /// <summary>Creates the approval.</summary>
    [Alias("create")]
    Task<Approval> CreateAsync(ApprovalRequest request);

    /// <summary>Creates the approval unless it exists in the request's tenant, and returns it.</summary>
    [Alias("ensure")]
    Task<Approval> EnsureAsync(ApprovalRequest request);

    /// <summary>Waits until the approval is decided or a time passes, and returns it as it then stands.</summary>
    /// <remarks>Interleaves with the approval's other calls, so deciding it releases the waiters at once.</remarks>
    [Alias("wait"), AlwaysInterleave]
    Task<Approval?> WaitForDecisionAsync(TimeSpan wait);

    /// <summary>Gets the approval, or <see langword="null"/>.</summary>
    [Alias("get")]
    Task<Approval?> GetAsync();

    /// <summary>Records an approver's decision; an approval of another tenant is not found.</summary>
    [Alias("decide")]
    Task<Approval> DecideAsync(string tenant, bool approve, string by, string[] roles, string? comment);

    /// <summary>Adds a comment; an approval of another tenant is not found.</summary>
    [Alias("comment")]
    Task<Approval> CommentAsync(string tenant, string by, string text);

    /// <summary>Escalates or expires the approval if its deadline has passed; called by its own timer and reminder.</summary>
    [Alias("deadline")]
    Task ApplyDeadlineAsync();
}

/// <summary>Keeps the ids of the pending approvals.</summary>
[Alias("aos.approval-index-grain")]
public interface IApprovalIndexGrain : IGrainWithStringKey
{
    /// <summary>Records an approval as pending, or as no longer pending.</summary>
    [Alias("set")]
    Task SetPendingAsync(string id, bool pending);

    /// <summary>Lists pending approval ids in order, after a cursor.</summary>
    [Alias("list")]
    Task<string[]> ListAsync(string? after, int limit);
}
