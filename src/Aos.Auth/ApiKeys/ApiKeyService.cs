using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aos.Storage;

namespace Aos.Security.ApiKeys;

/// <summary>Creates, checks, lists and revokes API keys, kept in the document store <see cref="AosIdentityStore.Name"/>.</summary>
/// <remarks>
/// <para>
/// A key is <c>aos_{id}_{secret}</c>: a 12-character id that identifies it (its prefix is safe to show and log) and a 256-bit random
/// secret in base64url. Only the SHA-256 of the secret is stored (a key has full entropy, so a slow KDF adds nothing); a presented key
/// is compared to it in constant time. The secret is returned once, by <see cref="CreateAsync"/>.
/// </para>
/// <para>Thread-safe. Keys live in the storage the store name maps to, so every node of a cluster sees the same keys and revocations.</para>
/// </remarks>
public sealed class ApiKeyService
{
    /// <summary>Gets the start of every key.</summary>
    public const string KeyPrefix = "aos_";

    internal const string Collection = "api-keys";
    private const int IdBytes = 6;
    private const int SecretBytes = 32;
    private static readonly int KeyLength = KeyPrefix.Length + (IdBytes * 2) + 1 + Base64UrlLength(SecretBytes);

    private readonly StorageCatalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly Roles.RoleService _roles;

    /// <summary>Initializes a new instance of the <see cref="ApiKeyService"/> class.</summary>
    /// <param name="catalog">The named stores.</param>
    /// <param name="timeProvider">The clock of creation, expiry and revocation.</param>
    /// <param name="roles">The roles: a key is created only in a tenant that exists, with roles of that tenant.</param>
    public ApiKeyService(StorageCatalog catalog, TimeProvider timeProvider, Roles.RoleService roles)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(roles);
        _catalog = catalog;
        _timeProvider = timeProvider;
        _roles = roles;
    }

    private IDocumentStore Store => _catalog.GetDocumentStore(AosIdentityStore.Name);

    /// <summary>Creates a key.</summary>
    /// <param name="request">The name, tenant, roles and expiry.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The key's description and its secret, which is not kept and cannot be shown again.</returns>
    /// <exception cref="AosValidationException">The name, tenant (or it does not exist), a role or the expiry is not valid; nothing was created.</exception>
    public async ValueTask<CreatedApiKey> CreateAsync(ApiKeyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _timeProvider.GetUtcNow();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100 || request.Name.Any(char.IsControl))
        {
            throw new AosValidationException("The key's name must be 1 to 100 characters without control characters, saying what it is for.") { Field = "name" };
        }

        if (request.ExpiresAt is { } expires && expires <= now)
        {
            throw new AosValidationException($"The expiry {expires:O} is not in the future; give a later time, or none for a key that does not expire.") { Field = "expiresAt" };
        }

        if (request.Agent is { } agent && !AgentId.TryParse(agent, out _, out var error))
        {
            throw new AosValidationException(error) { Field = "agent" };
        }

        await _roles.ValidateAssignableAsync(request.Tenant, request.Roles, cancellationToken).ConfigureAwait(false);

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        var document = new ApiKeyDocument(id, request.Name, request.Tenant, [.. request.Roles.Distinct(StringComparer.Ordinal)], now, request.ExpiresAt, null, Hash(secret), request.Agent);
        await Store.AddAsync(Collection, id, id, Serialize(document), cancellationToken).ConfigureAwait(false);
        return new CreatedApiKey(document.ToKey(), KeyPrefix + id + "_" + secret);
    }

    /// <summary>Checks a presented key.</summary>
    /// <param name="presented">The key as presented, for instance from <c>Authorization: Bearer …</c>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The key, when it is well formed, known, its secret matches, and it is neither revoked nor expired; otherwise <see langword="null"/>.</returns>
    public async ValueTask<ApiKey?> AuthenticateAsync(string presented, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (!TrySplit(presented, out var id, out var secret))
        {
            return null;
        }

        if (await ReadAsync(id, cancellationToken).ConfigureAwait(false) is not { } document)
        {
            return null;
        }

        var expected = Convert.FromHexString(document.SecretHash);
        var actual = SHA256.HashData(Encoding.ASCII.GetBytes(secret));
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return null;
        }

        var key = document.ToKey();
        return key.IsActiveAt(_timeProvider.GetUtcNow()) ? key : null;
    }

    /// <summary>Lists keys, oldest first, without their secrets.</summary>
    /// <param name="tenant">The tenant whose keys to list, or <see langword="null"/> for every tenant.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The keys.</returns>
    public async IAsyncEnumerable<ApiKey> ListAsync(string? tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var conditions = tenant is null ? null : new[] { new FieldCondition("tenant", ComparisonOperator.Equal, tenant) };
        var keys = new List<ApiKey>();
        await foreach (var stored in Store.QueryAsync(Collection, null, conditions, cancellationToken).ConfigureAwait(false))
        {
            if (Deserialize(stored.Document) is { } document)
            {
                keys.Add(document.ToKey());
            }
        }

        foreach (var key in keys.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal))
        {
            yield return key;
        }
    }

    /// <summary>Gets a key's description.</summary>
    /// <param name="id">The key id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The key, or <see langword="null"/> when there is none with that id.</returns>
    public async ValueTask<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        IsId(id) && await ReadAsync(id, cancellationToken).ConfigureAwait(false) is { } document ? document.ToKey() : null;

    /// <summary>Revokes a key: it stops authenticating at once, on every node that reads the same store.</summary>
    /// <param name="id">The key id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The revoked key (revoking twice keeps the first time), or <see langword="null"/> when there is none with that id.</returns>
    public async ValueTask<ApiKey?> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!IsId(id))
        {
            return null;
        }

        while (true)
        {
            var stored = await Store.GetAsync(Collection, id, id, cancellationToken).ConfigureAwait(false);
            if (stored is null || Deserialize(stored.Document) is not { } document)
            {
                return null;
            }

            if (document.RevokedAt is not null)
            {
                return document.ToKey();
            }

            var revoked = document with { RevokedAt = _timeProvider.GetUtcNow() };
            try
            {
                await Store.UpsertAsync(Collection, id, id, Serialize(revoked), stored.ETag, cancellationToken).ConfigureAwait(false);
                return revoked.ToKey();
            }
            catch (StorageConflictException)
            {
                // Changed since it was read (revoked concurrently): read it again.
            }
        }
    }

    /// <summary>Revokes every key that speaks for an agent, so that none speaks for an agent registered later with the same id.</summary>
    /// <param name="tenant">The agent's tenant.</param>
    /// <param name="agent">The agent's id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many keys were revoked now (keys revoked before are not counted).</returns>
    public async ValueTask<int> RevokeAgentKeysAsync(string tenant, string agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(agent);
        var conditions = new[] { new FieldCondition("tenant", ComparisonOperator.Equal, tenant), new FieldCondition("agent", ComparisonOperator.Equal, agent) };
        var active = new List<string>();
        await foreach (var stored in Store.QueryAsync(Collection, null, conditions, cancellationToken).ConfigureAwait(false))
        {
            if (Deserialize(stored.Document) is { RevokedAt: null, Agent: { } bound } document && bound == agent)
            {
                active.Add(document.Id);
            }
        }

        foreach (var id in active)
        {
            await RevokeAsync(id, cancellationToken).ConfigureAwait(false);
        }

        return active.Count;
    }

    /// <summary>Splits a presented key into id and secret, checking only its shape.</summary>
    /// <param name="presented">The key as presented.</param>
    /// <param name="id">The key id.</param>
    /// <param name="secret">The secret.</param>
    /// <returns><see langword="true"/> when the key has the shape of an AOS API key.</returns>
    public static bool TrySplit(string presented, out string id, out string secret)
    {
        id = secret = string.Empty;
        if (presented.Length != KeyLength || !presented.StartsWith(KeyPrefix, StringComparison.Ordinal) || presented[KeyPrefix.Length + (IdBytes * 2)] != '_')
        {
            return false;
        }

        id = presented.Substring(KeyPrefix.Length, IdBytes * 2);
        secret = presented[(KeyPrefix.Length + (IdBytes * 2) + 1)..];
        return IsId(id) && secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }

    private async ValueTask<ApiKeyDocument?> ReadAsync(string id, CancellationToken cancellationToken) =>
        await Store.GetAsync(Collection, id, id, cancellationToken).ConfigureAwait(false) is { } stored ? Deserialize(stored.Document) : null;

    private static bool IsId(string id) => id.Length == IdBytes * 2 && id.All(char.IsAsciiHexDigitLower);

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));

    private static int Base64UrlLength(int bytes) => ((bytes * 4) + 2) / 3;

    private static JsonElement Serialize(ApiKeyDocument document) => JsonSerializer.SerializeToElement(document, AuthJsonContext.Default.ApiKeyDocument);

    private static ApiKeyDocument? Deserialize(JsonElement document) => document.Deserialize(AuthJsonContext.Default.ApiKeyDocument);
}
