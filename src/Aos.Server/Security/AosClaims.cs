namespace Aos.Server.Security;

/// <summary>Names the claims of an authenticated AOS principal.</summary>
public static class AosClaims
{
    /// <summary>The tenant the principal acts in: its own, or the one it named in <see cref="TenantHeader"/>.</summary>
    public const string Tenant = "aos:tenant";

    /// <summary>The tenant the principal belongs to.</summary>
    public const string HomeTenant = "aos:home-tenant";

    /// <summary>The tenant whose custom roles the principal's role claims name: its own, or the acting tenant when they come from a role assignment.</summary>
    public const string RoleTenant = "aos:role-tenant";

    /// <summary>The kind of principal: <c>api-key</c>, the kind an AOS token was issued for (<c>user</c>), or <c>external</c> for a token of an external issuer.</summary>
    public const string Kind = "aos:kind";

    /// <summary>The sign-in session of the access token the principal presented, when it has one.</summary>
    public const string SessionId = "aos:sid";

    /// <summary>The identifying prefix of the API key the principal presented.</summary>
    public const string KeyPrefix = "aos:key";

    /// <summary>The agent the principal acts as, when it presented an agent's credential.</summary>
    public const string Agent = "aos:agent";

    /// <summary>The request header that names the tenant to act in, when it is not the principal's own.</summary>
    public const string TenantHeader = "X-Aos-Tenant";
}
