using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aos.Security.Tokens;
using Aos.Security.Users;
using Aos.Storage;

namespace Aos.Security.Sessions;

/// <summary>Keeps server-side sign-in sessions and their rotating refresh tokens; lists, revokes and checks them.</summary>
/// <remarks>
/// <para>
/// A password sign-in starts a session and hands out an access token (carrying the session id as <c>sid</c>) and a refresh token
/// <c>aosr_{tenant}_{session id}_{secret}</c> with a 256-bit random secret, of which only the SHA-256 is stored. A refresh token is good
/// for one refresh (<see cref="RefreshAsync"/>): it is spent, and a new one issued, while the session's idle expiry slides forward
/// (<see cref="SessionLifetimeOptions.IdleTimeout"/>, never beyond <see cref="SessionLifetimeOptions.AbsoluteLifetime"/> after sign-in). A spent token
/// presented again means two parties hold it, so the whole session is revoked: its newest refresh token and its access tokens stop
/// working too. The write that spends a token is conditional on the session's ETag, so of two refreshes with the same token exactly one
/// succeeds, and the other counts as reuse.
/// </para>
/// <para>
/// Sessions live in the document store <c>aos-identity</c>, partitioned by tenant. <see cref="IsActiveAsync"/> (asked for every access
/// token with a <c>sid</c>) keeps each session's state for <c>5</c> seconds per node: a session ended on one node is refused there at
/// once and on the others within that window. Times come from the injected <see cref="TimeProvider"/>. Thread-safe.
/// </para>
/// </remarks>
public sealed partial class SessionService
{
    /// <summary>Gets the start of every refresh token.</summary>
    public const string RefreshTokenPrefix = "aosr_";

    /// <summary>Gets how old a node's copy of a session's state may get before it is read again.</summary>
    internal static readonly TimeSpan StateRefreshInterval = TimeSpan.FromSeconds(5);

    private const string Collection = "sessions";
    private const int IdBytes = 16;
    private const int SecretBytes = 32;
    private const int SecretLength = ((SecretBytes * 4) + 2) / 3;

    // Spent hashes kept per session to recognise reuse; an older spent token is merely invalid.
    private const int MaxSpentHashes = 256;
    private const int MaxCachedStates = 100_000;

    private readonly StorageCatalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly SessionLifetimeOptions _options;
    private readonly AccessTokenService _tokens;
    private readonly UserService _users;
    private readonly ConcurrentDictionary<string, CachedState> _states = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="SessionService"/> class.</summary>
    /// <param name="catalog">The named stores; sessions are in <c>aos-identity</c>.</param>
    /// <param name="timeProvider">The clock of sign-ins, refreshes and expiry.</param>
    /// <param name="options">Idle timeout and absolute lifetime.</param>
    /// <param name="tokens">Issues the sessions' access tokens.</param>
    /// <param name="users">Reread at each refresh, so a token carries the user's roles of now, and a deleted user's session ends.</param>
    /// <exception cref="AosValidationException">The options are not valid; the message names the option.</exception>
    public SessionService(StorageCatalog catalog, TimeProvider timeProvider, SessionLifetimeOptions options, AccessTokenService tokens, UserService users)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(users);
        if (options.Validate().FirstOrDefault() is { } problem)
        {
            throw new AosValidationException(problem) { Field = SessionLifetimeOptions.SectionName };
        }

        _catalog = catalog;
        _timeProvider = timeProvider;
        _options = options;
        _tokens = tokens;
        _users = users;
    }

    private IDocumentStore Store => _catalog.GetDocumentStore(AosIdentityStore.Name);

    /// <summary>Starts a session for a user who just signed in.</summary>
    /// <param name="user">The user.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The session, its first access token and its first refresh token.</returns>
    public async ValueTask<SessionTokens> StartAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = _timeProvider.GetUtcNow();
        var absolute = now + _options.AbsoluteLifetime;
        var (secret, hash) = NewSecret();
        var document = new SessionDocument(
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes)),
            user.Tenant,
            SubjectIdOf(user),
            user.Username,
            "user",
            [.. user.Roles],
            now,
            now,
            Min(now + _options.IdleTimeout, absolute),
            absolute,
            null,
            null,
            hash,
            []);
        await Store.AddAsync(Collection, document.Tenant, document.Id, Serialize(document), cancellationToken).ConfigureAwait(false);
        Remember(document.ToSession());
        return await TokensAsync(document, secret, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets a session.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="id">The session id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The session, or <see langword="null"/> when the tenant has none with that id.</returns>
    public async ValueTask<Session?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default) =>
        await ReadAsync(tenant, id, cancellationToken).ConfigureAwait(false) is { } stored ? stored.Document.ToSession() : null;

    /// <summary>Lists a tenant's sessions, newest first: all of them, or one principal's.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="subjectId">The principal whose sessions to list, or <see langword="null"/> for every session of the tenant.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The sessions, including ended ones.</returns>
    public async IAsyncEnumerable<Session> ListAsync(string tenant, string? subjectId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        AosTenants.Validate(tenant);
        var conditions = subjectId is null ? null : new[] { new FieldCondition("subjectId", ComparisonOperator.Equal, subjectId) };
        var sessions = new List<Session>();
        await foreach (var stored in Store.QueryAsync(Collection, tenant, conditions, cancellationToken).ConfigureAwait(false))
        {
            if (Deserialize(stored.Document) is { } document)
            {
                sessions.Add(document.ToSession());
            }
        }

        foreach (var session in sessions.OrderByDescending(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal))
        {
            yield return session;
        }
    }

    /// <summary>Ends a session: its refresh token and its access tokens stop working (on other nodes within <c>5</c> seconds).</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="id">The session id.</param>
    /// <param name="reason">Why, kept with the session, for instance <c>signed out</c>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The ended session (ending twice keeps the first time and reason), or <see langword="null"/> when there is none.</returns>
    public async ValueTask<Session?> RevokeAsync(string tenant, string id, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        while (true)
        {
            if (await ReadAsync(tenant, id, cancellationToken).ConfigureAwait(false) is not { } stored)
            {
                return null;
            }

            if (stored.Document.RevokedAt is not null)
            {
                return Remember(stored.Document.ToSession());
            }

            var revoked = stored.Document with { RevokedAt = _timeProvider.GetUtcNow(), RevokedReason = reason };
            try
            {
                await Store.UpsertAsync(Collection, tenant, id, Serialize(revoked), stored.ETag, cancellationToken).ConfigureAwait(false);
                return Remember(revoked.ToSession());
            }
            catch (StorageConflictException)
            {
                // Refreshed or ended concurrently: read it again.
            }
        }
    }

    /// <summary>Deletes, in every tenant, the sessions that ended (revoked, or past their idle or absolute expiry) longer ago than <see cref="SessionLifetimeOptions.EndedRetention"/>.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many sessions were deleted.</returns>
    /// <remarks>Each deletion is conditional on the session being as read, so nodes purging at once delete each session once.</remarks>
    public async ValueTask<int> PurgeEndedAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = _timeProvider.GetUtcNow() - _options.EndedRetention;
        var ended = new List<StoredDocument>();
        await foreach (var stored in Store.QueryAsync(Collection, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (Deserialize(stored.Document) is { } document && EndedAt(document) <= cutoff)
            {
                ended.Add(stored);
            }
        }

        var deleted = 0;
        foreach (var stored in ended)
        {
            try
            {
                deleted += await Store.DeleteAsync(Collection, stored.PartitionKey, stored.Id, stored.ETag, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
            catch (StorageConflictException)
            {
                // Deleted or rewritten by another node since it was read.
            }
        }

        return deleted;
    }

    /// <summary>Finds the session a refresh token belongs to, without using the token.</summary>
    /// <param name="refreshToken">The refresh token as presented.</param>
    /// <param name="includeSpent">Whether a spent token of the session counts too (for revocation) or only its current one (for introspection).</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The session, or <see langword="null"/> when the token is no (current) refresh token of one.</returns>
    public async ValueTask<Session?> FindByRefreshTokenAsync(string refreshToken, bool includeSpent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(refreshToken);
        if (!TrySplit(refreshToken, out var tenant, out var id, out var secret) || await ReadAsync(tenant, id, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }

        var hash = Hash(secret);
        return Matches(stored.Document.RefreshHash, hash) || (includeSpent && stored.Document.SpentHashes.Any(h => Matches(h, hash)))
            ? stored.Document.ToSession()
            : null;
    }

    /// <summary>Splits a presented refresh token into tenant, session id and secret, checking only its shape.</summary>
    /// <param name="refreshToken">The token as presented.</param>
    /// <param name="tenant">The tenant.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="secret">The secret.</param>
    /// <returns><see langword="true"/> when the token has the shape of an AOS refresh token.</returns>
    public static bool TrySplit(string refreshToken, out string tenant, out string sessionId, out string secret)
    {
        ArgumentNullException.ThrowIfNull(refreshToken);
        tenant = sessionId = secret = string.Empty;
        if (!refreshToken.StartsWith(RefreshTokenPrefix, StringComparison.Ordinal) || refreshToken.Length > 200)
        {
            return false;
        }

        var rest = refreshToken.AsSpan(RefreshTokenPrefix.Length);
        var end = rest.IndexOf('_');
        if (end <= 0 || rest.Length != end + 1 + (IdBytes * 2) + 1 + SecretLength || rest[end + 1 + (IdBytes * 2)] != '_')
        {
            return false;
        }

        tenant = rest[..end].ToString();
        sessionId = rest.Slice(end + 1, IdBytes * 2).ToString();
        secret = rest[(end + 1 + (IdBytes * 2) + 1)..].ToString();
        return IsTenant(tenant) && IsId(sessionId) && secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }

    /// <summary>Gets the principal id of a user, as its tokens and sessions carry it.</summary>
    /// <param name="user">The user.</param>
    /// <returns>For instance <c>user:default/ada</c>.</returns>
    public static string SubjectIdOf(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return $"user:{user.Tenant}/{user.Username}";
    }

    private async ValueTask<SessionTokens> TokensAsync(SessionDocument document, string secret, CancellationToken cancellationToken)
    {
        var subject = new TokenSubject(document.SubjectId, document.SubjectName, document.Tenant, document.Roles, document.SubjectKind) { SessionId = document.Id };
        var issued = await _tokens.IssueAsync(subject, cancellationToken).ConfigureAwait(false);
        return new SessionTokens(document.ToSession(), issued, $"{RefreshTokenPrefix}{document.Tenant}_{document.Id}_{secret}");
    }

    private async ValueTask<(SessionDocument Document, string ETag)?> ReadAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(id);
        if (!IsTenant(tenant) || !IsId(id) || await Store.GetAsync(Collection, tenant, id, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }

        return Deserialize(stored.Document) is { } document ? (document, stored.ETag) : null;
    }

    private static (string Secret, string Hash) NewSecret()
    {
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        return (secret, Hash(secret));
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));

    private static bool Matches(string storedHash, string presentedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(storedHash), Encoding.ASCII.GetBytes(presentedHash));

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    // When a session stopped being usable: its revocation, or else the earlier of its expiries.
    private static DateTimeOffset EndedAt(SessionDocument document) =>
        Min(document.RevokedAt ?? DateTimeOffset.MaxValue, Min(document.IdleExpiresAt, document.AbsoluteExpiresAt));

    private static bool IsId(string id) => id.Length == IdBytes * 2 && id.All(char.IsAsciiHexDigitLower);

    private static bool IsTenant(string tenant) =>
        tenant is { Length: > 0 and <= 64 } && tenant[0] != '-' && tenant.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c == '-');

    private static JsonElement Serialize(SessionDocument document) => JsonSerializer.SerializeToElement(document, ApiKeys.AuthJsonContext.Default.SessionDocument);

    private static SessionDocument? Deserialize(JsonElement document) => document.Deserialize(ApiKeys.AuthJsonContext.Default.SessionDocument);
}
