using Aos.Security.Tokens;

namespace Aos.Security.Sessions;

public sealed partial class SessionService
{
    /// <summary>Tells whether a session is active now (neither revoked nor expired), from this node's copy when it is fresh.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="id">The session id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when the session exists and is active.</returns>
    /// <remarks>
    /// The state is read from the store at most every <c>5</c> seconds per session and node. A session ended through this node is
    /// refused here at once; one ended through another node is refused here within <c>5</c> seconds.
    /// </remarks>
    public async ValueTask<bool> IsActiveAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(id);
        if (!_states.TryGetValue(Key(tenant, id), out var state) || _timeProvider.GetElapsedTime(state.LoadedAt) >= StateRefreshInterval)
        {
            var session = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
            state = Cache(Key(tenant, id), session);
        }

        return state.Session?.IsActiveAt(_timeProvider.GetUtcNow()) == true;
    }

    /// <summary>Validates an access token (<see cref="AccessTokenService.ValidateAsync"/>) and, when it belongs to a session, that the session is active.</summary>
    /// <param name="token">The token as presented.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Whom it speaks for, or <see langword="null"/> when it is not valid now, was revoked, or its session ended.</returns>
    public async ValueTask<ValidatedToken?> ValidateAccessTokenAsync(string token, CancellationToken cancellationToken = default)
    {
        if (await _tokens.ValidateAsync(token, cancellationToken).ConfigureAwait(false) is not { } validated)
        {
            return null;
        }

        return validated.Subject.SessionId is not { } sid || await IsActiveAsync(validated.Subject.Tenant, sid, cancellationToken).ConfigureAwait(false)
            ? validated
            : null;
    }

    private Session Remember(Session session)
    {
        Cache(Key(session.Tenant, session.Id), session);
        return session;
    }

    private CachedState Cache(string key, Session? session)
    {
        if (_states.Count >= MaxCachedStates)
        {
            // Every entry is only a copy of the store; dropping them all costs one read per session in use.
            _states.Clear();
        }

        var state = new CachedState(session, _timeProvider.GetTimestamp());
        _states[key] = state;
        return state;
    }

    private static string Key(string tenant, string id) => tenant + "/" + id;

    private sealed record CachedState(Session? Session, long LoadedAt);
}
