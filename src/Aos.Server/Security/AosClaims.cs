namespace Aos.Server.Security;

/// <summary>Names the claims of an authenticated AOS principal.</summary>
public static class AosClaims
{
    /// <summary>The tenant the principal acts in.</summary>
    public const string Tenant = "aos:tenant";

    /// <summary>The kind of principal: <c>api-key</c>, the kind an AOS token was issued for, or <c>external</c> for a token of an external issuer.</summary>
    public const string Kind = "aos:kind";

    /// <summary>The identifying prefix of the API key the principal presented.</summary>
    public const string KeyPrefix = "aos:key";
}
