using Aos.Storage;

namespace Aos.Security.Sessions;

public sealed partial class SessionService
{
    /// <summary>Gives the reason kept with a session revoked because a spent refresh token was presented again.</summary>
    public const string ReuseReason = "a spent refresh token was presented again";

    /// <summary>Uses a refresh token: spends it and issues a new one with a new access token, or tells why not.</summary>
    /// <param name="refreshToken">The refresh token as presented.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>
    /// Succeeded with the new tokens; invalid for a token of no session; reused (the session is revoked now); expired; or revoked. The
    /// roles of the new access token are the user's of now; a session whose user was deleted is revoked.
    /// </returns>
    public async ValueTask<RefreshResult> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(refreshToken);
        if (!TrySplit(refreshToken, out var tenant, out var id, out var secret))
        {
            return new RefreshResult(RefreshOutcome.Invalid, null, null);
        }

        var presented = Hash(secret);
        while (true)
        {
            if (await ReadAsync(tenant, id, cancellationToken).ConfigureAwait(false) is not { } stored)
            {
                return new RefreshResult(RefreshOutcome.Invalid, null, null);
            }

            var document = stored.Document;
            var current = Matches(document.RefreshHash, presented);
            if (!current)
            {
                if (!document.SpentHashes.Any(h => Matches(h, presented)))
                {
                    return new RefreshResult(RefreshOutcome.Invalid, null, null);
                }

                var ended = document.RevokedAt is null ? await RevokeAsync(tenant, id, ReuseReason, cancellationToken).ConfigureAwait(false) : document.ToSession();
                return new RefreshResult(document.RevokedAt is null ? RefreshOutcome.Reused : RefreshOutcome.Revoked, null, ended);
            }

            var now = _timeProvider.GetUtcNow();
            if (document.RevokedAt is not null)
            {
                return new RefreshResult(RefreshOutcome.Revoked, null, document.ToSession());
            }

            if (!document.ToSession().IsActiveAt(now))
            {
                return new RefreshResult(RefreshOutcome.Expired, null, document.ToSession());
            }

            string[] roles = [.. document.Roles];
            if (document.SubjectKind == "user")
            {
                if (await _users.GetAsync(tenant, document.SubjectName, cancellationToken).ConfigureAwait(false) is not { } user)
                {
                    return new RefreshResult(RefreshOutcome.Revoked, null, await RevokeAsync(tenant, id, "the user was deleted", cancellationToken).ConfigureAwait(false));
                }

                roles = [.. user.Roles];
            }

            var (nextSecret, nextHash) = NewSecret();
            var next = document with
            {
                Roles = roles,
                LastUsedAt = now,
                IdleExpiresAt = Min(now + _options.IdleTimeout, document.AbsoluteExpiresAt),
                RefreshHash = nextHash,
                SpentHashes = [.. document.SpentHashes.TakeLast(MaxSpentHashes - 1), document.RefreshHash],
            };
            try
            {
                await Store.UpsertAsync(Collection, tenant, id, Serialize(next), stored.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageConflictException)
            {
                // Another refresh (or a revocation) wrote first; read again: if it spent this very token, this is its reuse.
                continue;
            }

            Remember(next.ToSession());
            return new RefreshResult(RefreshOutcome.Succeeded, await TokensAsync(next, nextSecret, cancellationToken).ConfigureAwait(false), next.ToSession());
        }
    }
}
