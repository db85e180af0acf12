using Aos.Security;
using Aos.Storage;

namespace Aos.Governance.Risks;

/// <summary>Keeps each tenant's risks in the document store <see cref="GovernanceStores.Documents"/>, on whatever backend configuration assigns it.</summary>
/// <remarks>
/// <para>
/// A risk is scored likelihood × impact (each 1 to 5) and levelled from the score. Adding a mitigation sets it
/// <see cref="RiskStatus.Mitigating"/>. An <see cref="RiskStatus.Accepted"/> or <see cref="RiskStatus.Closed"/> risk is read-only until
/// it is reopened by setting it <see cref="RiskStatus.Assessed"/>, and is never due for review.
/// </para>
/// <para>
/// Every change is conditional on the version read (optimistic concurrency): of two concurrent changes one wins and the other fails with
/// <see cref="StorageConflictException"/>, changing nothing. Risks are partitioned by tenant: no id or query reaches another tenant's
/// risks. Thread-safe.
/// </para>
/// </remarks>
public sealed partial class RiskRegistry
{
    /// <summary>Gets the review interval of a risk created without one: 30 days.</summary>
    public static readonly TimeSpan DefaultReviewInterval = TimeSpan.FromDays(30);

    internal const string Collection = "risks";

    private const int MaxPageSize = 500;

    private readonly StorageCatalog _catalog;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="RiskRegistry"/> class.</summary>
    /// <param name="catalog">The named stores.</param>
    /// <param name="timeProvider">The clock of creation, changes and reviews.</param>
    public RiskRegistry(StorageCatalog catalog, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _catalog = catalog;
        _timeProvider = timeProvider;
    }

    private IDocumentStore Store => _catalog.GetDocumentStore(GovernanceStores.Documents);

    /// <summary>Records a risk, due for its first review one review interval from now.</summary>
    /// <param name="tenant">The tenant the risk belongs to.</param>
    /// <param name="request">The risk.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The risk as stored.</returns>
    /// <exception cref="AosValidationException">The tenant or a field of the request is not valid (the exception names it); nothing was created.</exception>
    public async ValueTask<Risk> CreateAsync(string tenant, RiskRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        AosTenants.Validate(tenant);
        var title = RiskValidation.Text(request.Title, "title", 200, required: true)!;
        RiskValidation.Rating(request.Likelihood, "likelihood");
        RiskValidation.Rating(request.Impact, "impact");
        var owner = RiskValidation.Text(request.Owner, "owner", 200, required: true)!;
        var interval = RiskValidation.Interval(request.ReviewInterval ?? DefaultReviewInterval);
        if (request.Status is not (RiskStatus.Identified or RiskStatus.Assessed))
        {
            throw new AosValidationException($"A risk starts identified or assessed, not {RiskDocument.Text(request.Status)}: add a mitigation, or accept or close it, once it is recorded.") { Field = "status" };
        }

        var now = _timeProvider.GetUtcNow();
        var risk = new Risk
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            Tenant = tenant,
            Title = title,
            Description = RiskValidation.Text(request.Description, "description", 10_000, required: false),
            Category = RiskValidation.Text(request.Category, "category", 100, required: false),
            Likelihood = request.Likelihood,
            Impact = request.Impact,
            Owner = owner,
            Status = request.Status,
            ReviewInterval = interval,
            NextReviewAt = now + interval,
            CreatedAt = now,
            UpdatedAt = now,
            ETag = string.Empty,
        };
        var stored = await Store.AddAsync(Collection, tenant, risk.Id, RiskDocument.From(risk).Serialize(), cancellationToken).ConfigureAwait(false);
        return risk with { ETag = stored.ETag };
    }

    /// <summary>Gets a risk.</summary>
    /// <param name="tenant">The tenant the risk belongs to.</param>
    /// <param name="id">The risk's id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The risk; <see langword="null"/> when the tenant has none with that id.</returns>
    public async ValueTask<Risk?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!AosTenants.IsValid(tenant) || !IsValidId(id))
        {
            return null;
        }

        return await Store.GetAsync(Collection, tenant, id, cancellationToken).ConfigureAwait(false) is { } stored && RiskDocument.Deserialize(stored.Document) is { } document
            ? document.ToRisk(stored.ETag)
            : null;
    }

    /// <summary>Lists a page of a tenant's risks, oldest first.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="query">The filters and the page; <see langword="null"/> for the first page of every risk.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The page.</returns>
    /// <exception cref="AosValidationException">The tenant, the limit or the continuation token is not valid.</exception>
    public async ValueTask<RiskPage> ListAsync(string tenant, RiskQuery? query = null, CancellationToken cancellationToken = default)
    {
        AosTenants.Validate(tenant);
        query ??= new RiskQuery();
        if (query.Limit is < 1 or > MaxPageSize)
        {
            throw new AosValidationException($"The limit must be 1 to {MaxPageSize}; it was {query.Limit}.") { Field = "limit" };
        }

        List<FieldCondition> conditions = [];
        if (query.After is { } after)
        {
            conditions.Add(IsValidId(after) ? FieldCondition.GreaterThan("id", after) : throw new AosValidationException("The continuation token is not one this registry returned.") { Field = "after" });
        }

        if (query.Status is { } status)
        {
            conditions.Add(FieldCondition.Equal("status", RiskDocument.Text(status)));
        }

        if (query.Level is { } level)
        {
            conditions.Add(FieldCondition.Equal("level", RiskDocument.Text(level)));
        }

        if (query.Owner is { } owner)
        {
            conditions.Add(FieldCondition.Equal("owner", owner));
        }

        var items = new List<Risk>(query.Limit);
        await foreach (var stored in Store.QueryAsync(Collection, tenant, conditions, cancellationToken).ConfigureAwait(false))
        {
            if (RiskDocument.Deserialize(stored.Document) is not { } document)
            {
                continue;
            }

            if (items.Count == query.Limit)
            {
                return new RiskPage(items, items[^1].Id);
            }

            items.Add(document.ToRisk(stored.ETag));
        }

        return new RiskPage(items, null);
    }

    /// <summary>Lists a tenant's risks due for review: those whose next review is at or before a time and that are neither accepted nor closed.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="asOf">The time; <see langword="null"/> for now.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The risks, the longest overdue first.</returns>
    public async ValueTask<IReadOnlyList<Risk>> ListDueForReviewAsync(string tenant, DateTimeOffset? asOf = null, CancellationToken cancellationToken = default)
    {
        AosTenants.Validate(tenant);
        var now = asOf ?? _timeProvider.GetUtcNow();
        var due = new List<Risk>();
        await foreach (var stored in Store.QueryAsync(Collection, tenant, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (RiskDocument.Deserialize(stored.Document) is { } document && document.ToRisk(stored.ETag) is { Status: not (RiskStatus.Accepted or RiskStatus.Closed) } risk && risk.NextReviewAt <= now)
            {
                due.Add(risk);
            }
        }

        return [.. due.OrderBy(r => r.NextReviewAt).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    private static bool IsValidId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);
}
