namespace Aos.Security.Sessions;

/// <summary>Describes a server-side sign-in session, without anything about its refresh tokens.</summary>
/// <param name="Id">The session id, unique in its tenant; access tokens of the session carry it as <c>sid</c>.</param>
/// <param name="Tenant">The tenant.</param>
/// <param name="SubjectId">The principal id, for instance <c>user:default/ada</c>.</param>
/// <param name="SubjectName">The principal's name.</param>
/// <param name="SubjectKind">The kind of principal, for instance <c>user</c>.</param>
/// <param name="Roles">The principal's roles as of the last sign-in or refresh.</param>
/// <param name="CreatedAt">When the session started (the sign-in).</param>
/// <param name="LastUsedAt">When its refresh token was last used.</param>
/// <param name="IdleExpiresAt">When it ends unless refreshed before (sliding, never beyond <paramref name="AbsoluteExpiresAt"/>).</param>
/// <param name="AbsoluteExpiresAt">When it ends at the latest.</param>
/// <param name="RevokedAt">When it was ended before its time; <see langword="null"/> when not.</param>
/// <param name="RevokedReason">Why it was ended, for instance <c>signed out</c>; <see langword="null"/> when not.</param>
public sealed record Session(
    string Id,
    string Tenant,
    string SubjectId,
    string SubjectName,
    string SubjectKind,
    IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUsedAt,
    DateTimeOffset IdleExpiresAt,
    DateTimeOffset AbsoluteExpiresAt,
    DateTimeOffset? RevokedAt,
    string? RevokedReason)
{
    /// <summary>Tells whether the session is neither revoked nor expired at a time.</summary>
    /// <param name="now">The time.</param>
    /// <returns><see langword="true"/> when its tokens are accepted at <paramref name="now"/>.</returns>
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && now < IdleExpiresAt && now < AbsoluteExpiresAt;

    /// <summary>Gets when the session ends (or ended) by expiry: the earlier of its idle and absolute expiry.</summary>
    public DateTimeOffset ExpiresAt => IdleExpiresAt < AbsoluteExpiresAt ? IdleExpiresAt : AbsoluteExpiresAt;
}

/// <summary>What a sign-in or a refresh hands the client: the session, a new access token in it, and the next refresh token.</summary>
/// <param name="Session">The session.</param>
/// <param name="AccessToken">The access token, carrying the session id as <c>sid</c>.</param>
/// <param name="RefreshToken">The refresh token, good for one refresh; only its hash is kept.</param>
public sealed record SessionTokens(Session Session, Tokens.IssuedToken AccessToken, string RefreshToken);

/// <summary>How a refresh ended.</summary>
public enum RefreshOutcome
{
    /// <summary>The token was the session's current one: it is spent now, and a new one was issued.</summary>
    Succeeded,

    /// <summary>The token is not a refresh token of any session (malformed, unknown, or wrong secret).</summary>
    Invalid,

    /// <summary>The token was spent already: it may have been stolen, so the whole session (every token of it) was revoked.</summary>
    Reused,

    /// <summary>The session ran out (idle or absolute expiry).</summary>
    Expired,

    /// <summary>The session was revoked (signed out, ended by an administrator, reuse detected, or its user deleted).</summary>
    Revoked,
}

/// <summary>The result of a refresh.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Tokens">The new tokens, when it succeeded.</param>
/// <param name="Session">The session, when the token named one (for the time and reason of its end).</param>
public sealed record RefreshResult(RefreshOutcome Outcome, SessionTokens? Tokens, Session? Session);
