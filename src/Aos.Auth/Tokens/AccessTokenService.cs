using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Aos.Storage;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Aos.Security.Tokens;

/// <summary>Issues and validates AOS access tokens: short-lived JWTs signed with a rotating key, on every node alike.</summary>
/// <remarks>
/// <para>
/// Tokens are HS256 JWTs (<c>iss</c>, <c>aud</c>, <c>sub</c>, <c>jti</c>, <c>iat</c>, <c>nbf</c>, <c>exp</c>, the tenant and the roles) with
/// the signing key's id in <c>kid</c>. AOS is the only party that validates its tokens, so a symmetric key is enough, and HMAC keeps
/// validation cheap. The keys (256-bit secrets) live in the document store <c>aos-identity</c>, so every node of a cluster signs and
/// validates with the same ones.
/// </para>
/// <para>
/// <see cref="RotateSigningKeyAsync"/> starts signing with a new key without downtime: the old key stops signing but keeps validating
/// the tokens it signed until they expire (<see cref="AccessTokenOptions.Lifetime"/> plus the clock skew after its retirement). A
/// node rereads the keys when they are a minute old, and at once (at most once a second) when a token names a key it does not know.
/// </para>
/// <para>
/// A token issued in a sign-in session carries the session id in <c>sid</c>. <see cref="RevokeAsync"/> revokes a single token by its
/// <c>jti</c> until it expires; see its remarks for how soon other nodes refuse it.
/// </para>
/// <para>Times come from the injected <see cref="TimeProvider"/>. Thread-safe.</para>
/// </remarks>
public sealed partial class AccessTokenService : IDisposable
{
    private const string Collection = "signing-keys";
    private const string Partition = "keys";
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan UnknownKeyReloadInterval = TimeSpan.FromSeconds(1);

    private readonly StorageCatalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly AccessTokenOptions _options;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private volatile KeyRing? _ring;

    /// <summary>Initializes a new instance of the <see cref="AccessTokenService"/> class.</summary>
    /// <param name="catalog">The named stores; the keys are in <c>aos-identity</c>.</param>
    /// <param name="timeProvider">The clock of issue, expiry and rotation.</param>
    /// <param name="options">Issuer, audience, lifetime and clock skew.</param>
    /// <exception cref="AosValidationException">The options are not valid; the message names the option.</exception>
    public AccessTokenService(StorageCatalog catalog, TimeProvider timeProvider, AccessTokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate().FirstOrDefault() is { } problem)
        {
            throw new AosValidationException(problem) { Field = AccessTokenOptions.SectionName };
        }

        _catalog = catalog;
        _timeProvider = timeProvider;
        _options = options;
    }

    private IDocumentStore Store => _catalog.GetDocumentStore(AosIdentityStore.Name);

    /// <summary>Issues a token for a principal.</summary>
    /// <param name="subject">Whom the token speaks for.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The signed token and when it expires.</returns>
    public async ValueTask<IssuedToken> IssueAsync(TokenSubject subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var ring = await RingAsync(forSigning: true, cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow();
        var expires = now + _options.Lifetime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = subject.Id,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            [TokenClaims.Name] = subject.Name,
            [TokenClaims.Tenant] = subject.Tenant,
            [TokenClaims.Kind] = subject.Kind,
            [TokenClaims.Roles] = subject.Roles.ToArray(),
        };
        if (subject.SessionId is { } sessionId)
        {
            claims[TokenClaims.SessionId] = sessionId;
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(ring.Current!.Key, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()), ring.Current.Key.KeyId, _options.Lifetime);
    }

    /// <summary>Validates a presented token: signature by a key still accepted, issuer, audience, lifetime, and not revoked by its <c>jti</c>.</summary>
    /// <remarks>Whether the token's session (<see cref="TokenSubject.SessionId"/>) is still active is for the session service to tell.</remarks>
    /// <param name="token">The token as presented.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Whom it speaks for, or <see langword="null"/> when it is not a valid AOS token now.</returns>
    public async ValueTask<ValidatedToken?> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length > 8192 || !_handler.CanReadToken(token))
        {
            return null;
        }

        var ring = await RingAsync(forSigning: false, cancellationToken).ConfigureAwait(false);
        var result = await _handler.ValidateTokenAsync(token, Parameters(ring)).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException && await ReloadForUnknownKeyAsync(ring, cancellationToken).ConfigureAwait(false) is { } reloaded)
        {
            result = await _handler.ValidateTokenAsync(token, Parameters(reloaded)).ConfigureAwait(false);
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return null;
        }

        var roles = jwt.Claims.Where(c => c.Type == TokenClaims.Roles).Select(c => c.Value).ToList();
        var subject = new TokenSubject(
            jwt.Subject,
            jwt.TryGetPayloadValue<string>(TokenClaims.Name, out var name) ? name : jwt.Subject,
            jwt.TryGetPayloadValue<string>(TokenClaims.Tenant, out var tenant) ? tenant : string.Empty,
            roles,
            jwt.TryGetPayloadValue<string>(TokenClaims.Kind, out var kind) ? kind : string.Empty)
        {
            SessionId = jwt.TryGetPayloadValue<string>(TokenClaims.SessionId, out var sid) ? sid : null,
        };
        if (subject.Tenant.Length == 0 || await IsRevokedAsync(subject.Tenant, jwt.Id, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new ValidatedToken(subject, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), jwt.Id) { IssuedAt = new DateTimeOffset(jwt.IssuedAt, TimeSpan.Zero) };
    }

    /// <summary>Starts signing with a new key; the current one keeps validating what it signed until those tokens expire.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The id (<c>kid</c>) of the new key.</returns>
    public async ValueTask<string> RotateSigningKeyAsync(CancellationToken cancellationToken = default)
    {
        await _loadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _timeProvider.GetUtcNow();
            await foreach (var stored in Store.QueryAsync(Collection, Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (Deserialize(stored.Document) is { RetiredAt: null } active)
                {
                    try
                    {
                        await Store.UpsertAsync(Collection, Partition, active.Kid, Serialize(active with { RetiredAt = now }), stored.ETag, cancellationToken).ConfigureAwait(false);
                    }
                    catch (StorageConflictException)
                    {
                        // Retired concurrently by another node's rotation.
                    }
                }
            }

            var created = await CreateKeyAsync(now, cancellationToken).ConfigureAwait(false);
            _ring = await LoadAsync(cancellationToken).ConfigureAwait(false);
            return created.Kid;
        }
        finally
        {
            _loadLock.Release();
        }
    }

    /// <summary>Releases the locks that serialize key and revocation loads.</summary>
    public void Dispose()
    {
        _loadLock.Dispose();
        _revocationLock.Dispose();
    }

    private TokenValidationParameters Parameters(KeyRing ring)
    {
        var now = _timeProvider.GetUtcNow();
        return new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            IssuerSigningKeys = ring.Keys.Where(k => k.AcceptsUntil is null || now <= k.AcceptsUntil).Select(k => k.Key),
            ClockSkew = _options.ClockSkew,

            // IdentityModel reads the system clock; the service's own clock decides, so tests and every node agree on "now".
            LifetimeValidator = (notBefore, expires, _, parameters) =>
                expires is { } e && now < e.ToUniversalTime() + parameters.ClockSkew && (notBefore is not { } nb || nb.ToUniversalTime() - parameters.ClockSkew <= now),
        };
    }

    private async ValueTask<KeyRing> RingAsync(bool forSigning, CancellationToken cancellationToken)
    {
        var ring = _ring;
        if (ring is not null && (!forSigning || ring.Current is not null) && _timeProvider.GetElapsedTime(ring.LoadedAt) < RefreshInterval)
        {
            return ring;
        }

        await _loadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ring is { } loaded && loaded != ring && (!forSigning || loaded.Current is not null))
            {
                return loaded;
            }

            var fresh = await LoadAsync(cancellationToken).ConfigureAwait(false);
            if (fresh.Current is null)
            {
                await CreateKeyAsync(_timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                fresh = await LoadAsync(cancellationToken).ConfigureAwait(false);
            }

            _ring = fresh;
            return fresh;
        }
        finally
        {
            _loadLock.Release();
        }
    }

    private async ValueTask<KeyRing?> ReloadForUnknownKeyAsync(KeyRing seen, CancellationToken cancellationToken)
    {
        if (_timeProvider.GetElapsedTime(seen.LoadedAt) < UnknownKeyReloadInterval)
        {
            return _ring != seen ? _ring : null;
        }

        await _loadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ring != seen)
            {
                return _ring;
            }

            _ring = await LoadAsync(cancellationToken).ConfigureAwait(false);
            return _ring;
        }
        finally
        {
            _loadLock.Release();
        }
    }

    private async ValueTask<KeyRing> LoadAsync(CancellationToken cancellationToken)
    {
        var keys = new List<RingKey>();
        await foreach (var stored in Store.QueryAsync(Collection, Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (Deserialize(stored.Document) is { } document)
            {
                var key = new SymmetricSecurityKey(Convert.FromBase64String(document.Secret)) { KeyId = document.Kid };
                keys.Add(new RingKey(key, document.CreatedAt, document.RetiredAt, document.RetiredAt + _options.Lifetime + _options.ClockSkew));
            }
        }

        var current = keys.Where(k => k.RetiredAt is null).OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Key.KeyId, StringComparer.Ordinal).FirstOrDefault();
        return new KeyRing(keys, current, _timeProvider.GetTimestamp());
    }

    private async ValueTask<SigningKeyDocument> CreateKeyAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var document = new SigningKeyDocument(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), now, null);
        await Store.AddAsync(Collection, Partition, document.Kid, Serialize(document), cancellationToken).ConfigureAwait(false);
        return document;
    }

    private static JsonElement Serialize(SigningKeyDocument document) => JsonSerializer.SerializeToElement(document, ApiKeys.AuthJsonContext.Default.SigningKeyDocument);

    private static SigningKeyDocument? Deserialize(JsonElement document) => document.Deserialize(ApiKeys.AuthJsonContext.Default.SigningKeyDocument);

    private sealed record RingKey(SymmetricSecurityKey Key, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt, DateTimeOffset? AcceptsUntil);

    private sealed record KeyRing(List<RingKey> Keys, RingKey? Current, long LoadedAt);
}

/// <summary>Names the AOS claims of an access token.</summary>
public static class TokenClaims
{
    /// <summary>The principal's display name.</summary>
    public const string Name = "name";

    /// <summary>The tenant the principal acts in.</summary>
    public const string Tenant = "aos_tenant";

    /// <summary>The kind of principal.</summary>
    public const string Kind = "aos_kind";

    /// <summary>The principal's roles, an array.</summary>
    public const string Roles = "roles";

    /// <summary>The sign-in session the token was issued in; absent for client credentials.</summary>
    public const string SessionId = "sid";
}
