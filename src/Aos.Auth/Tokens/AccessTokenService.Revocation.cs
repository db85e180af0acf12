using System.Collections.Frozen;
using System.Text.Json;
using Aos.Storage;

namespace Aos.Security.Tokens;

public sealed partial class AccessTokenService
{
    private const string RevokedCollection = "revoked-tokens";

    /// <summary>Gets how old a node's copy of the revoked tokens may get before it is read again.</summary>
    internal static readonly TimeSpan RevocationRefreshInterval = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _revocationLock = new(1, 1);
    private volatile RevocationSet? _revoked;

    /// <summary>Revokes one access token by its id (<c>jti</c>), until it expires.</summary>
    /// <param name="token">The token, as validated.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the revocation is stored.</returns>
    /// <remarks>
    /// The node that revokes refuses the token at once; every other node within <c>5</c> seconds, when it rereads the revocations of its
    /// store. The entry is kept until the token expires, after which the token is refused anyway, and then removed.
    /// </remarks>
    public async ValueTask RevokeAsync(ValidatedToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var document = new RevokedTokenDocument(token.TokenId, token.Subject.Tenant, token.ExpiresAt + _options.ClockSkew, _timeProvider.GetUtcNow());
        await Store.UpsertAsync(RevokedCollection, document.Tenant, document.Jti, JsonSerializer.SerializeToElement(document, ApiKeys.AuthJsonContext.Default.RevokedTokenDocument), cancellationToken: cancellationToken).ConfigureAwait(false);
        await _revocationLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var set = _revoked ?? await LoadRevocationsAsync(cancellationToken).ConfigureAwait(false);
            _revoked = set with { Ids = set.Ids.Append(RevocationKey(document.Tenant, document.Jti)).ToFrozenSet(StringComparer.Ordinal) };
        }
        finally
        {
            _revocationLock.Release();
        }
    }

    private async ValueTask<bool> IsRevokedAsync(string tenant, string jti, CancellationToken cancellationToken)
    {
        var set = _revoked;
        if (set is null || _timeProvider.GetElapsedTime(set.LoadedAt) >= RevocationRefreshInterval)
        {
            await _revocationLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                set = _revoked;
                if (set is null || _timeProvider.GetElapsedTime(set.LoadedAt) >= RevocationRefreshInterval)
                {
                    _revoked = set = await LoadRevocationsAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _revocationLock.Release();
            }
        }

        return set.Ids.Contains(RevocationKey(tenant, jti));
    }

    private async ValueTask<RevocationSet> LoadRevocationsAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var ids = new List<string>();
        var expired = new List<StoredDocument>();
        await foreach (var stored in Store.QueryAsync(RevokedCollection, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (stored.Document.Deserialize(ApiKeys.AuthJsonContext.Default.RevokedTokenDocument) is { } document)
            {
                if (document.KeepUntil <= now)
                {
                    expired.Add(stored);
                }
                else
                {
                    ids.Add(RevocationKey(document.Tenant, document.Jti));
                }
            }
        }

        foreach (var stale in expired)
        {
            try
            {
                // The token has expired, so the entry has nothing left to refuse.
                await Store.DeleteAsync(RevokedCollection, stale.PartitionKey, stale.Id, stale.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageConflictException)
            {
                // Removed or rewritten by another node meanwhile.
            }
        }

        return new RevocationSet(ids.ToFrozenSet(StringComparer.Ordinal), _timeProvider.GetTimestamp());
    }

    private static string RevocationKey(string tenant, string jti) => tenant + "/" + jti;

    private sealed record RevocationSet(FrozenSet<string> Ids, long LoadedAt);
}

/// <summary>The stored form of a revoked access token: its id and tenant, kept until the token would have expired.</summary>
internal sealed record RevokedTokenDocument(string Jti, string Tenant, DateTimeOffset KeepUntil, DateTimeOffset RevokedAt);
