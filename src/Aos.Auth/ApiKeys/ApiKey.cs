namespace Aos.Security.ApiKeys;

/// <summary>Describes an API key without its secret: what an operator lists and revokes.</summary>
/// <param name="Id">The key id: 12 lowercase hexadecimal characters, the part of the key after <c>aos_</c>.</param>
/// <param name="Name">What the key is for.</param>
/// <param name="Tenant">The tenant the key acts in.</param>
/// <param name="Roles">The roles the key holds.</param>
/// <param name="CreatedAt">When the key was created.</param>
/// <param name="ExpiresAt">When the key stops working; <see langword="null"/> for never.</param>
/// <param name="RevokedAt">When the key was revoked; <see langword="null"/> while it is not.</param>
public sealed record ApiKey(
    string Id,
    string Name,
    string Tenant,
    IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt)
{
    /// <summary>Gets the agent the key speaks for, when it is an agent's credential: requests with it act as that agent, within its grants.</summary>
    public string? Agent { get; init; }

    /// <summary>Gets the start of the key that identifies it in lists and logs: <c>aos_{Id}</c>.</summary>
    public string Prefix => ApiKeyService.KeyPrefix + Id;

    /// <summary>Tells whether the key authenticates at a time: not revoked and not expired.</summary>
    /// <param name="now">The time.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);
}

/// <summary>Holds a key just created: its description and the secret, which is shown this once and never stored.</summary>
/// <param name="Key">The key's description.</param>
/// <param name="Secret">The whole key to present as <c>Authorization: Bearer …</c>.</param>
public sealed record CreatedApiKey(ApiKey Key, string Secret);

/// <summary>Asks for a new API key.</summary>
public sealed record ApiKeyRequest
{
    /// <summary>Gets what the key is for: 1 to 100 characters.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the tenant the key acts in; it must exist.</summary>
    public string Tenant { get; init; } = AosTenants.Default;

    /// <summary>Gets the roles the key holds: built-in roles (<see cref="AosRoles"/>) or custom roles of its tenant.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [AosRoles.User];

    /// <summary>Gets when the key stops working; <see langword="null"/> for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets the agent the key is a credential of, or <see langword="null"/> for a key of an API client.</summary>
    public string? Agent { get; init; }
}
