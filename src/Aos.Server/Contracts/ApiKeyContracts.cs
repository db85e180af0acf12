using Aos.Security.ApiKeys;

namespace Aos.Server.Contracts;

/// <summary>Asks for a new API key.</summary>
/// <param name="Name">What the key is for.</param>
/// <param name="Roles">The roles it holds; default <c>user</c>.</param>
/// <param name="Tenant">The tenant it acts in; default the caller's.</param>
/// <param name="ExpiresAt">When it stops working; none for never.</param>
public sealed record CreateApiKeyRequest(string Name, string[]? Roles, string? Tenant, DateTimeOffset? ExpiresAt);

/// <summary>An API key without its secret.</summary>
/// <param name="Id">The key id.</param>
/// <param name="Prefix">The start of the key, which identifies it.</param>
/// <param name="Name">What it is for.</param>
/// <param name="Tenant">The tenant it acts in.</param>
/// <param name="Roles">Its roles.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="RevokedAt">When it was revoked.</param>
public sealed record ApiKeyView(string Id, string Prefix, string Name, string Tenant, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    /// <summary>Gets the agent the key is a credential of, if it is one.</summary>
    public string? Agent { get; init; }

    /// <summary>Describes a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The view.</returns>
    public static ApiKeyView From(ApiKey key) => new(key.Id, key.Prefix, key.Name, key.Tenant, key.Roles, key.CreatedAt, key.ExpiresAt, key.RevokedAt) { Agent = key.Agent };
}

/// <summary>A key just created, with its secret: shown this once.</summary>
/// <param name="Key">The key.</param>
/// <param name="Secret">The whole key, to present as <c>Authorization: Bearer …</c>.</param>
public sealed record CreatedApiKeyView(ApiKeyView Key, string Secret);
