namespace Aos.Security.Tokens;

/// <summary>Who a token speaks for: the principal it was issued to, with its tenant and roles at issue time.</summary>
/// <param name="Id">The principal id, for instance <c>api-key:0123456789ab</c>.</param>
/// <param name="Name">The principal's display name.</param>
/// <param name="Tenant">The tenant it acts in.</param>
/// <param name="Roles">Its roles.</param>
/// <param name="Kind">What kind of principal it is: <c>api-key</c>, <c>user</c> or <c>agent</c>.</param>
public sealed record TokenSubject(string Id, string Name, string Tenant, IReadOnlyList<string> Roles, string Kind)
{
    /// <summary>Gets the sign-in session the token belongs to (its <c>sid</c>); <see langword="null"/> for a token outside a session.</summary>
    public string? SessionId { get; init; }
}

/// <summary>A token just issued.</summary>
/// <param name="AccessToken">The signed JWT, presented as <c>Authorization: Bearer …</c>.</param>
/// <param name="ExpiresAt">When it stops being accepted.</param>
/// <param name="KeyId">The id (<c>kid</c>) of the key that signed it.</param>
/// <param name="Lifetime">How long it is valid from now.</param>
public sealed record IssuedToken(string AccessToken, DateTimeOffset ExpiresAt, string KeyId, TimeSpan Lifetime);

/// <summary>A token that validated: whom it speaks for and until when.</summary>
/// <param name="Subject">The principal.</param>
/// <param name="ExpiresAt">When it stops being accepted.</param>
/// <param name="TokenId">The token's id (<c>jti</c>).</param>
public sealed record ValidatedToken(TokenSubject Subject, DateTimeOffset ExpiresAt, string TokenId)
{
    /// <summary>Gets when the token was issued (<c>iat</c>).</summary>
    public DateTimeOffset IssuedAt { get; init; }
}
