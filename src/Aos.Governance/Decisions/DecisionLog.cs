using Aos.Governance.Risks;
using Aos.Security;
using Aos.Storage;

namespace Aos.Governance.Decisions;

/// <summary>Keeps each tenant's decision records in the document store <see cref="GovernanceStores.Documents"/>, on whatever backend configuration assigns it.</summary>
/// <remarks>
/// <para>
/// Records are append-only: once recorded, a decision changes only by linking approvals and audit entries to it, which is idempotent and
/// safe against concurrent links (each link is written conditional on the version read, and retried on a conflict).
/// </para>
/// <para>
/// A decision's id is a version 7 UUID of its time, so lists come oldest first by decision time (decisions of the same millisecond in
/// no particular order). Decisions are partitioned by tenant: no id or query reaches another tenant's decisions. Thread-safe.
/// </para>
/// </remarks>
public sealed partial class DecisionLog
{
    internal const string Collection = "decisions";

    private const int MaxPageSize = 500;

    private readonly StorageCatalog _catalog;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="DecisionLog"/> class.</summary>
    /// <param name="catalog">The named stores.</param>
    /// <param name="timeProvider">The clock that stamps decisions recorded without a time.</param>
    public DecisionLog(StorageCatalog catalog, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _catalog = catalog;
        _timeProvider = timeProvider;
    }

    private IDocumentStore Store => _catalog.GetDocumentStore(GovernanceStores.Documents);

    /// <summary>Records a decision.</summary>
    /// <param name="tenant">The tenant the decision belongs to.</param>
    /// <param name="request">The decision.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The decision as recorded.</returns>
    /// <exception cref="AosValidationException">
    /// The tenant or a field is not valid (the exception names it): the principal, choice and rationale are required, option names are
    /// unique, and the choice names one of the options when there are any. Nothing was recorded.
    /// </exception>
    public async ValueTask<Decision> RecordAsync(string tenant, DecisionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        AosTenants.Validate(tenant);
        var time = request.Time ?? _timeProvider.GetUtcNow();
        var decision = DecisionValidation.Validate(request) with { Id = Guid.CreateVersion7(time).ToString("N"), Tenant = tenant, Time = time };
        await Store.AddAsync(Collection, tenant, decision.Id, DecisionDocument.Serialize(decision), cancellationToken).ConfigureAwait(false);
        return decision;
    }

    /// <summary>Gets a decision.</summary>
    /// <param name="tenant">The tenant the decision belongs to.</param>
    /// <param name="id">The decision's id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The decision; <see langword="null"/> when the tenant has none with that id.</returns>
    public async ValueTask<Decision?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default) =>
        await ReadAsync(tenant, id, cancellationToken).ConfigureAwait(false) is { } stored ? DecisionDocument.Deserialize(stored.Document) : null;

    /// <summary>Lists a page of a tenant's decisions, oldest first.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="query">The filters and the page; <see langword="null"/> for the first page of every decision.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The page.</returns>
    /// <exception cref="AosValidationException">The tenant, the limit or the continuation token is not valid.</exception>
    public async ValueTask<DecisionPage> ListAsync(string tenant, DecisionQuery? query = null, CancellationToken cancellationToken = default)
    {
        AosTenants.Validate(tenant);
        query ??= new DecisionQuery();
        if (query.Limit is < 1 or > MaxPageSize)
        {
            throw new AosValidationException($"The limit must be 1 to {MaxPageSize}; it was {query.Limit}.") { Field = "limit" };
        }

        List<FieldCondition> conditions = [];
        if (query.After is { } after)
        {
            conditions.Add(IsValidId(after) ? FieldCondition.GreaterThan("id", after) : throw new AosValidationException("The continuation token is not one this log returned.") { Field = "after" });
        }

        if (query.DecidedBy is { } decidedBy)
        {
            conditions.Add(FieldCondition.Equal("decidedBy", decidedBy));
        }

        var items = new List<Decision>(query.Limit);
        await foreach (var stored in Store.QueryAsync(Collection, tenant, conditions, cancellationToken).ConfigureAwait(false))
        {
            if (DecisionDocument.Deserialize(stored.Document) is not { } decision || decision.Time < query.From || decision.Time >= query.To)
            {
                continue;
            }

            if (items.Count == query.Limit)
            {
                return new DecisionPage(items, items[^1].Id);
            }

            items.Add(decision);
        }

        return new DecisionPage(items, null);
    }

    /// <summary>Removes every tenant's decisions made before a time.</summary>
    /// <remarks>Decision ids are version 7 UUIDs of their time, so the decisions before it are the ids below the first id of its millisecond.</remarks>
    /// <param name="before">The oldest decision time to keep.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many decisions were removed.</returns>
    public async ValueTask<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        const int Batch = 500;
        var cutoff = before.ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture) + new string('0', 20);
        FieldCondition[] older = [FieldCondition.LessThan("id", cutoff)];
        var removed = 0;
        while (true)
        {
            // A batch is read, then removed, then the query starts again: no page is read while its documents are being removed.
            var batch = new List<(string Tenant, string Id)>(Batch);
            await foreach (var stored in Store.QueryAsync(Collection, null, older, cancellationToken).ConfigureAwait(false))
            {
                batch.Add((stored.PartitionKey, stored.Id));
                if (batch.Count == Batch)
                {
                    break;
                }
            }

            foreach (var (tenant, id) in batch)
            {
                removed += await Store.DeleteAsync(Collection, tenant, id, cancellationToken: cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }

            if (batch.Count < Batch)
            {
                return removed;
            }
        }
    }

    private async ValueTask<StoredDocument?> ReadAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return AosTenants.IsValid(tenant) && IsValidId(id) ? await Store.GetAsync(Collection, tenant, id, cancellationToken).ConfigureAwait(false) : null;
    }

    private static bool IsValidId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);
}
