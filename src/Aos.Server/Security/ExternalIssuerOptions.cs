using Aos.Security;

namespace Aos.Server.Security;

/// <summary>
/// Configures an external OpenID Connect or JWT issuer whose tokens AOS accepts, validated with the keys it publishes (JWKS). Bound from
/// <c>Aos:Auth:Issuers:{name}</c>.
/// </summary>
/// <remarks>
/// A token of the issuer authenticates as <c>external:{name}/{sub}</c> in one tenant (<see cref="Tenant"/> or <see cref="TenantClaim"/>)
/// with the AOS roles its role values map to (<see cref="RoleMap"/>) and the <see cref="DefaultRoles"/>; values not mapped are ignored,
/// so a principal with no role is authenticated but granted nothing.
/// </remarks>
public sealed class ExternalIssuerOptions
{
    /// <summary>Gets the configuration section that holds one <see cref="ExternalIssuerOptions"/> per issuer name.</summary>
    public const string SectionName = "Aos:Auth:Issuers";

    /// <summary>Gets or sets the issuer's base address; its OpenID Connect discovery document is at <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    /// <value>The default is <see langword="null"/>; this or <see cref="MetadataAddress"/> is required.</value>
    public string? Authority { get; set; }

    /// <summary>Gets or sets the address of the issuer's discovery document, when it is not under <see cref="Authority"/>.</summary>
    /// <value>The default is <see langword="null"/>: <c>{Authority}/.well-known/openid-configuration</c>.</value>
    public string? MetadataAddress { get; set; }

    /// <summary>Gets or sets the issuer (<c>iss</c>) of the tokens, which routes a token to this issuer and is checked on validation.</summary>
    /// <value>The default is <see cref="Authority"/>; required when only <see cref="MetadataAddress"/> is given.</value>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets the audience (<c>aud</c>) the tokens must be issued for: AOS's client or API id at the issuer. Required.</summary>
    public string? Audience { get; set; }

    /// <summary>Gets or sets a value indicating whether the discovery document and keys must be fetched over HTTPS.</summary>
    /// <value>The default is <see langword="true"/>; set <see langword="false"/> only for a local test issuer on plain HTTP.</value>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Gets or sets the tenant every principal of the issuer acts in; give this or <see cref="TenantClaim"/>.</summary>
    public string? Tenant { get; set; }

    /// <summary>Gets or sets the claim that names the tenant of each principal; give this or <see cref="Tenant"/>.</summary>
    /// <remarks>A token without the claim, or whose claim is no valid tenant name, fails authentication.</remarks>
    public string? TenantClaim { get; set; }

    /// <summary>Gets or sets the claim that holds the principal's roles or groups, a string or an array.</summary>
    /// <value>The default is <c>roles</c>.</value>
    public string RolesClaim { get; set; } = "roles";

    /// <summary>Gets or sets the AOS built-in role (<see cref="AosRoles"/>) each external role or group value grants.</summary>
    /// <value>The default is empty: no external value grants a role. Values are compared exactly (ordinal).</value>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the AOS roles every principal of the issuer holds, besides the mapped ones.</summary>
    /// <value>The default is none.</value>
    public List<string> DefaultRoles { get; set; } = [];

    /// <summary>Gets or sets the claim that holds the principal's display name; <c>sub</c> when the token has none.</summary>
    /// <value>The default is <c>name</c>.</value>
    public string NameClaim { get; set; } = "name";

    /// <summary>Gets the issuer (<c>iss</c>) tokens must carry: <see cref="Issuer"/>, or else <see cref="Authority"/>.</summary>
    internal string? ExpectedIssuer => string.IsNullOrWhiteSpace(Issuer) ? Authority : Issuer;

    /// <summary>Checks the options of one issuer and lists what is wrong, naming each setting and how to fix it.</summary>
    /// <param name="name">The issuer's name, the key under <see cref="SectionName"/>.</param>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IEnumerable<string> Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var prefix = $"{SectionName}:{name}";
        if (name.Length is 0 or > 32 || name[0] == '-' || !name.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c == '-'))
        {
            yield return $"The issuer name '{name}' ({prefix}) is not valid: use 1 to 32 lowercase letters, digits and '-', not starting with '-'.";
        }

        if (string.IsNullOrWhiteSpace(Authority) && string.IsNullOrWhiteSpace(MetadataAddress))
        {
            yield return $"{prefix}:Authority is not set: give the issuer's base address (its discovery document is at {{Authority}}/.well-known/openid-configuration), or {prefix}:MetadataAddress.";
        }

        foreach (var (setting, value) in new[] { ("Authority", Authority), ("MetadataAddress", MetadataAddress) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                yield return $"{prefix}:{setting} is '{value}', which is no absolute http(s) address.";
            }
            else if (uri.Scheme == Uri.UriSchemeHttp && RequireHttpsMetadata)
            {
                yield return $"{prefix}:{setting} is '{value}', which is plain HTTP: use https, or set {prefix}:RequireHttpsMetadata=false (only for a local test issuer).";
            }
        }

        if (string.IsNullOrWhiteSpace(ExpectedIssuer))
        {
            yield return $"{prefix}:Issuer is not set: give the 'iss' of the issuer's tokens (it defaults to {prefix}:Authority, which is not set).";
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return $"{prefix}:Audience is not set: give the audience ('aud') the issuer puts in tokens for AOS, usually AOS's client or API id.";
        }

        var hasTenant = !string.IsNullOrWhiteSpace(Tenant);
        if (hasTenant == !string.IsNullOrWhiteSpace(TenantClaim))
        {
            yield return $"Give exactly one of {prefix}:Tenant (one tenant for every principal of the issuer) and {prefix}:TenantClaim (the claim that names each principal's tenant).";
        }
        else if (hasTenant && Problem(() => AosTenants.Validate(Tenant, $"{prefix}:Tenant"), $"{prefix}:Tenant") is { } tenantProblem)
        {
            yield return tenantProblem;
        }

        if (string.IsNullOrWhiteSpace(RolesClaim))
        {
            yield return $"{prefix}:RolesClaim is empty: name the claim that holds roles or groups (the default is 'roles').";
        }

        if (string.IsNullOrWhiteSpace(NameClaim))
        {
            yield return $"{prefix}:NameClaim is empty: name the claim that holds the display name (the default is 'name').";
        }

        foreach (var (external, role) in RoleMap)
        {
            if (Problem(() => AosRoles.Validate([role]), $"{prefix}:RoleMap:{external}") is { } roleProblem)
            {
                yield return roleProblem;
            }
        }

        foreach (var role in DefaultRoles)
        {
            if (Problem(() => AosRoles.Validate([role]), $"{prefix}:DefaultRoles") is { } roleProblem)
            {
                yield return roleProblem;
            }
        }
    }

    private static string? Problem(Action validate, string setting)
    {
        try
        {
            validate();
            return null;
        }
        catch (AosValidationException e)
        {
            return $"{setting}: {e.Message}";
        }
    }
}
