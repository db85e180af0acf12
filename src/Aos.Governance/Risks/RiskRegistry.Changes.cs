using Aos.Storage;

namespace Aos.Governance.Risks;

/// <summary>Changes risks: each change reads the risk, checks it, and writes it back conditional on the version read.</summary>
public sealed partial class RiskRegistry
{
    /// <summary>Changes a risk's likelihood, impact, owner, status or review interval.</summary>
    /// <param name="tenant">The tenant the risk belongs to.</param>
    /// <param name="id">The risk's id.</param>
    /// <param name="update">The changes.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The risk as stored; <see langword="null"/> when the tenant has none with that id.</returns>
    /// <exception cref="AosValidationException">
    /// A field is not valid, the status cannot follow the current one, or the risk is accepted or closed and the change does not reopen it.
    /// Nothing was changed.
    /// </exception>
    /// <exception cref="StorageConflictException">The risk changed since it was read (or since <see cref="RiskUpdate.IfMatch"/>); nothing was changed.</exception>
    public ValueTask<Risk?> UpdateAsync(string tenant, string id, RiskUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Likelihood is { } likelihood)
        {
            RiskValidation.Rating(likelihood, "likelihood");
        }

        if (update.Impact is { } impact)
        {
            RiskValidation.Rating(impact, "impact");
        }

        var owner = update.Owner is null ? null : RiskValidation.Text(update.Owner, "owner", 200, required: true);
        var interval = update.ReviewInterval is { } i ? RiskValidation.Interval(i) : (TimeSpan?)null;
        return ChangeAsync(tenant, id, update.IfMatch, (risk, now) =>
        {
            var status = update.Status ?? risk.Status;
            if (IsReadOnly(risk.Status) && status != RiskStatus.Assessed)
            {
                throw new AosValidationException(
                    $"The risk '{risk.Id}' is {RiskDocument.Text(risk.Status)} and read-only: reopen it by setting its status to assessed.") { Field = "status" };
            }

            if (status == RiskStatus.Identified && risk.Status != RiskStatus.Identified)
            {
                throw new AosValidationException($"The risk '{risk.Id}' is {RiskDocument.Text(risk.Status)}: it cannot go back to identified; set it assessed.") { Field = "status" };
            }

            var reviewInterval = interval ?? risk.ReviewInterval;
            return risk with
            {
                Likelihood = update.Likelihood ?? risk.Likelihood,
                Impact = update.Impact ?? risk.Impact,
                Owner = owner ?? risk.Owner,
                Status = status,
                ReviewInterval = reviewInterval,
                NextReviewAt = (risk.LastReviewedAt ?? risk.CreatedAt) + reviewInterval,
                UpdatedAt = now,
            };
        }, cancellationToken);
    }

    /// <summary>Adds a mitigation to a risk and sets the risk <see cref="RiskStatus.Mitigating"/>.</summary>
    /// <param name="tenant">The tenant the risk belongs to.</param>
    /// <param name="id">The risk's id.</param>
    /// <param name="request">The mitigation.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The risk as stored, the mitigation last; <see langword="null"/> when the tenant has none with that id.</returns>
    /// <exception cref="AosValidationException">A field is not valid, or the risk is accepted or closed; nothing was changed.</exception>
    /// <exception cref="StorageConflictException">The risk changed since it was read (or since <see cref="MitigationRequest.IfMatch"/>); nothing was changed.</exception>
    public ValueTask<Risk?> AddMitigationAsync(string tenant, string id, MitigationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var description = RiskValidation.Text(request.Description, "description", 2_000, required: true)!;
        var owner = RiskValidation.Text(request.Owner, "owner", 200, required: false);
        var status = RiskValidation.Text(request.Status, "status", 50, required: false);
        return ChangeAsync(tenant, id, request.IfMatch, (risk, now) =>
        {
            RefuseReadOnly(risk, "add a mitigation to");
            var mitigation = new Mitigation(Guid.CreateVersion7(now).ToString("N"), description, owner, now, status);
            return risk with { Mitigations = [.. risk.Mitigations, mitigation], Status = RiskStatus.Mitigating, UpdatedAt = now };
        }, cancellationToken);
    }

    /// <summary>Records that a risk was reviewed now: it is next due one review interval from now.</summary>
    /// <param name="tenant">The tenant the risk belongs to.</param>
    /// <param name="id">The risk's id.</param>
    /// <param name="ifMatch">The ETag the risk must still have; <see langword="null"/> for whatever version is stored now.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The risk as stored; <see langword="null"/> when the tenant has none with that id.</returns>
    /// <exception cref="AosValidationException">The risk is accepted or closed; nothing was changed.</exception>
    /// <exception cref="StorageConflictException">The risk changed since it was read (or since <paramref name="ifMatch"/>); nothing was changed.</exception>
    public ValueTask<Risk?> MarkReviewedAsync(string tenant, string id, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(tenant, id, ifMatch, (risk, now) =>
        {
            RefuseReadOnly(risk, "review");
            return risk with { LastReviewedAt = now, NextReviewAt = now + risk.ReviewInterval, UpdatedAt = now };
        }, cancellationToken);

    private static bool IsReadOnly(RiskStatus status) => status is RiskStatus.Accepted or RiskStatus.Closed;

    private static void RefuseReadOnly(Risk risk, string action)
    {
        if (IsReadOnly(risk.Status))
        {
            throw new AosValidationException(
                $"The risk '{risk.Id}' is {RiskDocument.Text(risk.Status)}: reopen it (status assessed) to {action} it.") { Field = "status" };
        }
    }

    private async ValueTask<Risk?> ChangeAsync(string tenant, string id, string? ifMatch, Func<Risk, DateTimeOffset, Risk> change, CancellationToken cancellationToken)
    {
        if (await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false) is not { } risk)
        {
            return null;
        }

        var expected = ifMatch ?? risk.ETag;
        if (expected != risk.ETag)
        {
            throw Conflict(id);
        }

        var changed = change(risk, _timeProvider.GetUtcNow());
        try
        {
            var stored = await Store.UpsertAsync(Collection, tenant, id, RiskDocument.From(changed).Serialize(), expected, cancellationToken).ConfigureAwait(false);
            return changed with { ETag = stored.ETag };
        }
        catch (StorageConflictException ex)
        {
            throw Conflict(id, ex);
        }
    }

    private static StorageConflictException Conflict(string id, Exception? inner = null) =>
        new($"The risk '{id}' was changed by someone else since it was read: read it again and retry.", inner);
}
