using System.Collections.Frozen;
using Aos.Security.ApiKeys;
using Aos.Security.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Tokens;

namespace Aos.Server.Security;

/// <summary>
/// Registers bearer authentication: AOS API keys and access tokens (<see cref="ApiKeyAuthenticationHandler"/>) and, for each issuer under
/// <c>Aos:Auth:Issuers</c>, a JWT bearer scheme <c>issuer:{name}</c> that validates the issuer's tokens with the keys it publishes.
/// </summary>
/// <remarks>
/// <para>
/// Without external issuers the AOS handler is the only and default scheme. With them, the default is a policy scheme that reads the
/// bearer credential once: an API key, an AOS token or any token it cannot route goes to the AOS handler (which refuses what it does not
/// know), and a JWT whose unverified <c>iss</c> is a configured issuer's goes to that issuer's scheme, which verifies everything.
/// </para>
/// <para>
/// Key rotation: a token that names a key the issuer did not publish makes the scheme fetch the issuer's keys again (at most once per
/// <see cref="JwtBearerOptions.RefreshInterval"/>, five minutes, after the first time) and validate the token with them in the same
/// request (<see cref="ExternalIssuerKeys"/>).
/// </para>
/// </remarks>
internal static class BearerAuthentication
{
    /// <summary>Gets the name of the policy scheme that routes a bearer credential to the AOS handler or to an issuer's scheme.</summary>
    public const string SelectorScheme = "aos-bearer";

    /// <summary>Gets the prefix of an external issuer's scheme name.</summary>
    public const string IssuerSchemePrefix = "issuer:";

    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>Adds the authentication schemes, with the external issuers configured under <see cref="ExternalIssuerOptions.SectionName"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration the issuers are bound from.</param>
    /// <param name="tokenOptions">The options of AOS's own tokens: their issuer is reserved, their clock skew applies to external tokens too.</param>
    /// <exception cref="AosValidationException">An issuer is configured wrongly; the message names every wrong setting.</exception>
    public static void AddAosBearerAuthentication(this IServiceCollection services, IConfiguration configuration, AccessTokenOptions tokenOptions)
    {
        var issuers = Bind(configuration, tokenOptions);
        if (issuers.Count == 0)
        {
            services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
            return;
        }

        var routes = issuers.ToFrozenDictionary(i => i.Value.ExpectedIssuer!, i => IssuerSchemePrefix + i.Key, StringComparer.Ordinal);
        var builder = services.AddAuthentication(SelectorScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(SelectorScheme, "AOS or external bearer token", o => o.ForwardDefaultSelector = context => Select(context, routes));
        foreach (var (name, issuer) in issuers)
        {
            var scheme = IssuerSchemePrefix + name;
            builder.AddJwtBearer(scheme, o => Configure(o, issuer, tokenOptions));
            services.AddOptions<JwtBearerOptions>(scheme).Configure<IServiceProvider>((o, sp) =>
            {
                var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
                var metadataAddress = string.IsNullOrWhiteSpace(issuer.MetadataAddress)
                    ? issuer.Authority!.TrimEnd('/') + "/.well-known/openid-configuration"
                    : issuer.MetadataAddress;
                var documents = new HttpDocumentRetriever(new HttpClient { Timeout = o.BackchannelTimeout }) { RequireHttps = issuer.RequireHttpsMetadata };
                o.ConfigurationManager = new ExternalIssuerKeys(metadataAddress, documents, time)
                {
                    RefreshInterval = o.RefreshInterval,
                    AutomaticRefreshInterval = o.AutomaticRefreshInterval,
                };

                // IdentityModel reads the system clock; the node's clock decides, as it does for AOS tokens.
                o.TokenValidationParameters.LifetimeValidator = (notBefore, expires, _, parameters) =>
                {
                    var now = time.GetUtcNow();
                    return expires is { } e && now < e.ToUniversalTime() + parameters.ClockSkew && (notBefore is not { } nb || nb.ToUniversalTime() - parameters.ClockSkew <= now);
                };
                o.Events = new ExternalIssuerEvents(name, issuer, sp.GetRequiredService<ILogger<ExternalIssuerEvents>>());
            });
        }
    }

    private static Dictionary<string, ExternalIssuerOptions> Bind(IConfiguration configuration, AccessTokenOptions tokenOptions)
    {
        var issuers = configuration.GetSection(ExternalIssuerOptions.SectionName).Get<Dictionary<string, ExternalIssuerOptions>>() ?? [];
        var problems = issuers.SelectMany(i => i.Value.Validate(i.Key)).ToList();
        foreach (var group in issuers.Where(i => i.Value.ExpectedIssuer is not null).GroupBy(i => i.Value.ExpectedIssuer, StringComparer.Ordinal))
        {
            if (string.Equals(group.Key, tokenOptions.Issuer, StringComparison.Ordinal))
            {
                problems.Add($"{ExternalIssuerOptions.SectionName}:{group.First().Key} has the issuer '{group.Key}' of AOS's own tokens ({AccessTokenOptions.SectionName}:Issuer): give the external issuer's 'iss' in {ExternalIssuerOptions.SectionName}:{group.First().Key}:Issuer.");
            }
            else if (group.Count() > 1)
            {
                problems.Add($"{string.Join(" and ", group.Select(i => $"{ExternalIssuerOptions.SectionName}:{i.Key}"))} have the same issuer '{group.Key}': configure each issuer once.");
            }
        }

        if (problems.Count > 0)
        {
            throw new AosValidationException(string.Join(" ", problems)) { Field = ExternalIssuerOptions.SectionName };
        }

        return issuers;
    }

    private static void Configure(JwtBearerOptions options, ExternalIssuerOptions issuer, AccessTokenOptions tokenOptions)
    {
        options.Authority = string.IsNullOrWhiteSpace(issuer.Authority) ? null : issuer.Authority;
        options.MetadataAddress = string.IsNullOrWhiteSpace(issuer.MetadataAddress) ? null! : issuer.MetadataAddress;
        options.Audience = issuer.Audience;
        options.RequireHttpsMetadata = issuer.RequireHttpsMetadata;
        options.MapInboundClaims = false;
        options.RefreshOnIssuerKeyNotFound = true;
        options.IncludeErrorDetails = false;
        options.SaveToken = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = issuer.ExpectedIssuer,
            ValidAudience = issuer.Audience,
            ValidAlgorithms = AsymmetricAlgorithms,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = tokenOptions.ClockSkew,
        };
    }

    private static string Select(HttpContext context, FrozenDictionary<string, string> routes)
    {
        string? header = context.Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return ApiKeyAuthenticationHandler.SchemeName;
        }

        var token = header["Bearer ".Length..].Trim();
        return !token.StartsWith(ApiKeyService.KeyPrefix, StringComparison.Ordinal) && IssuerOf(token) is { } issuer && routes.TryGetValue(issuer, out var scheme)
            ? scheme
            : ApiKeyAuthenticationHandler.SchemeName;
    }

    private static string? IssuerOf(string token)
    {
        // Read, not verified: the issuer only picks the scheme, which then verifies the token.
        if (token.Length > 16 * 1024 || token.Count(c => c == '.') != 2)
        {
            return null;
        }

        try
        {
            return new JsonWebToken(token).Issuer;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
