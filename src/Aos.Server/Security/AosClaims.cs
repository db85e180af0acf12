namespace Aos.Server.Security;

/// <summary>Names the claims of an authenticated AOS principal.</summary>
public static class AosClaims
{
    /// <summary>The tenant the principal acts in.</summary>
    public const string Tenant = "aos:tenant";

    /// <summary>The kind of principal: <c>api-key</c> for now; users, tokens and agents follow.</summary>
    public const string Kind = "aos:kind";

    /// <summary>The sign-in session of the access token the principal presented, when it has one.</summary>
    public const string SessionId = "aos:sid";

    /// <summary>The identifying prefix of the API key the principal presented.</summary>
    public const string KeyPrefix = "aos:key";
}
