using Aos.Approvals;

namespace Aos.Kernel.Approvals;

/// <summary>Requests approvals, records decisions and comments, and lists what waits for whom: the front door for HTTP and workflows.</summary>
public sealed class ApprovalClient(IGrainFactory grains, TimeProvider timeProvider)
{
    /// <summary>The most approvals one list call returns.</summary>
    public const int MaxPageSize = 1_000;

    /// <summary>Requests an approval.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The pending approval.</returns>
    /// <exception cref="AosValidationException">The request is invalid, or its id is taken.</exception>
    public Task<Approval> RequestAsync(ApprovalRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = request.Id ?? Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N");
        return Grain(id).CreateAsync(request with { Id = id });
    }

    /// <summary>Gets an approval.</summary>
    /// <param name="id">The approval id.</param>
    /// <returns>The approval.</returns>
    /// <exception cref="ApprovalNotFoundException">There is no such approval.</exception>
    public async Task<Approval> GetAsync(string id) =>
        await Grain(id).GetAsync() ?? throw new ApprovalNotFoundException($"There is no approval '{id}'.");

    /// <summary>Approves or denies.</summary>
    /// <param name="id">The approval id.</param>
    /// <param name="approve">Whether to approve (otherwise deny).</param>
    /// <param name="by">Who decides.</param>
    /// <param name="roles">The roles they hold.</param>
    /// <param name="comment">Why.</param>
    /// <returns>The approval after the decision.</returns>
    /// <exception cref="ApprovalRefusedException">Not pending, not an approver now, or decided already.</exception>
    public Task<Approval> DecideAsync(string id, bool approve, string by, IReadOnlyCollection<string> roles, string? comment) =>
        Grain(id).DecideAsync(approve, by, [.. roles], comment);

    /// <summary>Adds a comment.</summary>
    /// <param name="id">The approval id.</param>
    /// <param name="by">Who writes it.</param>
    /// <param name="text">The comment.</param>
    /// <returns>The approval with the comment.</returns>
    public Task<Approval> CommentAsync(string id, string by, string text) => Grain(id).CommentAsync(by, text);

    /// <summary>Lists pending approvals by id, optionally only those an actor with roles may decide now.</summary>
    /// <param name="approver">The actor, or <see langword="null"/> for every pending approval.</param>
    /// <param name="roles">The actor's roles.</param>
    /// <param name="after">The last id of the previous page.</param>
    /// <param name="limit">The page size, 1 to <see cref="MaxPageSize"/>.</param>
    /// <returns>The approvals and the cursor of the next page.</returns>
    public async Task<(IReadOnlyList<Approval> Items, string? Next)> ListPendingAsync(string? approver, IReadOnlyCollection<string> roles, string? after, int limit)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (limit is < 1 or > MaxPageSize)
        {
            throw new AosValidationException($"The limit is {limit}; it must be between 1 and {MaxPageSize}.") { Field = "limit" };
        }

        var ids = await grains.GetGrain<IApprovalIndexGrain>(ApprovalGrain.IndexKey).ListAsync(after, limit);
        var approvals = await Task.WhenAll(ids.Select(id => Grain(id).GetAsync()));
        var items = approvals.OfType<Approval>()
            .Where(a => a.Status == ApprovalStatus.Pending && (approver is null || a.CurrentApprovers.Any(x => ApprovalRules.Matches(x, approver, roles))))
            .ToList();
        return (items, ids.Length == limit ? ids[^1] : null);
    }

    private IApprovalGrain Grain(string id) => grains.GetGrain<IApprovalGrain>(id);
}
