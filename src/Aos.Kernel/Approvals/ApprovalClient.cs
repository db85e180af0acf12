using Aos.Approvals;
using Aos.Security;

namespace Aos.Kernel.Approvals;

/// <summary>Requests approvals, records decisions and comments, and lists what waits for whom: the front door for HTTP and workflows.</summary>
public sealed class ApprovalClient(IGrainFactory grains, TimeProvider timeProvider)
{
    /// <summary>The most approvals one list call returns.</summary>
    public const int MaxPageSize = 1_000;

    /// <summary>The most pending approvals (of any tenant or approver) one list call reads to fill its page: past it the page comes back short, with the cursor to go on from.</summary>
    /// <remarks>Each is one grain call: the bound keeps a list call's cost where it was before pages were filled, one page of the maximum size.</remarks>
    public const int ScanLimit = MaxPageSize;

    // Ids read from the index at a time while a page fills.
    private const int ScanBatch = 100;

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
    /// <param name="tenant">The tenant asking: an approval of another tenant is not found.</param>
    /// <returns>The approval.</returns>
    /// <exception cref="ApprovalNotFoundException">There is no such approval in the tenant.</exception>
    public async Task<Approval> GetAsync(string id, string tenant = AosTenants.Default) =>
        await Grain(id).GetAsync() is { } approval && approval.Tenant == tenant
            ? approval
            : throw new ApprovalNotFoundException($"There is no approval '{id}'.");

    /// <summary>Approves or denies.</summary>
    /// <param name="id">The approval id.</param>
    /// <param name="approve">Whether to approve (otherwise deny).</param>
    /// <param name="by">Who decides.</param>
    /// <param name="roles">The roles they hold.</param>
    /// <param name="comment">Why.</param>
    /// <param name="tenant">The tenant the decider acts in: an approval of another tenant is not found.</param>
    /// <returns>The approval after the decision.</returns>
    /// <exception cref="ApprovalNotFoundException">There is no such approval in the tenant.</exception>
    /// <exception cref="ApprovalRefusedException">Not pending, not an approver now, decided already, or the requester approving.</exception>
    public Task<Approval> DecideAsync(string id, bool approve, string by, IReadOnlyCollection<string> roles, string? comment, string tenant = AosTenants.Default) =>
        Grain(id).DecideAsync(tenant, approve, by, [.. roles], comment);

    /// <summary>Adds a comment.</summary>
    /// <param name="id">The approval id.</param>
    /// <param name="by">Who writes it.</param>
    /// <param name="text">The comment.</param>
    /// <param name="tenant">The tenant the writer acts in: an approval of another tenant is not found.</param>
    /// <returns>The approval with the comment.</returns>
    /// <exception cref="ApprovalNotFoundException">There is no such approval in the tenant.</exception>
    public Task<Approval> CommentAsync(string id, string by, string text, string tenant = AosTenants.Default) => Grain(id).CommentAsync(tenant, by, text);

    /// <summary>Lists a tenant's pending approvals by id, optionally only those an actor with roles may decide now.</summary>
    /// <param name="approver">The actor, or <see langword="null"/> for every pending approval.</param>
    /// <param name="roles">The actor's roles.</param>
    /// <param name="after">The last id of the previous page.</param>
    /// <param name="limit">The page size, 1 to <see cref="MaxPageSize"/>.</param>
    /// <param name="tenant">The tenant: only its approvals are listed.</param>
    /// <returns>
    /// The approvals and the cursor of the next page, <see langword="null"/> after the last. A page holds <paramref name="limit"/> approvals unless
    /// it is the last, or its call read <see cref="ScanLimit"/> pending approvals to fill it.
    /// </returns>
    public async Task<(IReadOnlyList<Approval> Items, string? Next)> ListPendingAsync(
        string? approver, IReadOnlyCollection<string> roles, string? after, int limit, string tenant = AosTenants.Default)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (limit is < 1 or > MaxPageSize)
        {
            throw new AosValidationException($"The limit is {limit}; it must be between 1 and {MaxPageSize}.") { Field = "limit" };
        }

        // The index holds every tenant's pending ids: the page is filled from as many index pages as it takes, in order, so that a
        // tenant (or an approver) whose approvals are few among many is not handed empty pages with a cursor.
        var index = grains.GetGrain<IApprovalIndexGrain>(ApprovalGrain.IndexKey);
        var items = new List<Approval>(Math.Min(limit, 64));
        var cursor = after;
        var read = 0;
        while (true)
        {
            var batch = Math.Max(limit - items.Count, ScanBatch);
            var ids = await index.ListAsync(cursor, batch);
            var approvals = await Task.WhenAll(ids.Select(id => Grain(id).GetAsync()));
            for (var i = 0; i < ids.Length; i++)
            {
                cursor = ids[i];
                read++;
                if (approvals[i] is { } approval && approval.Tenant == tenant && approval.Status == ApprovalStatus.Pending
                    && (approver is null || approval.CurrentApprovers.Any(x => ApprovalRules.Matches(x, approver, roles, tenant))))
                {
                    items.Add(approval);
                    if (items.Count == limit)
                    {
                        return (items, i < ids.Length - 1 || ids.Length == batch ? cursor : null);
                    }
                }
            }

            if (ids.Length < batch)
            {
                return (items, null);
            }

            if (read >= ScanLimit)
            {
                return (items, cursor);
            }
        }
    }

    private IApprovalGrain Grain(string id) => grains.GetGrain<IApprovalGrain>(id);
}
