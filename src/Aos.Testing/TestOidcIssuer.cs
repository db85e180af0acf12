using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Aos.Testing;

/// <summary>
/// Serves a local OpenID Connect issuer on a loopback port: a discovery document and the public keys (JWKS) of the RSA keys it signs
/// RS256 tokens with, for tests of external token validation over real HTTP.
/// </summary>
/// <remarks>
/// The issuer (<c>iss</c>) is its base address, <see cref="Authority"/>. Keys are generated in memory; <see cref="RotateKey"/> starts
/// signing with a new key (a new <c>kid</c>) and keeps publishing the old ones. Fetches of the discovery document and of the JWKS are
/// counted, so a test can tell when the validating side fetched the keys again. Thread-safe.
/// </remarks>
public sealed class TestOidcIssuer : IAsyncDisposable
{
    private const string MetadataPath = "/.well-known/openid-configuration";
    private const string JwksPath = "/jwks";

    private readonly WebApplication _app;
    private readonly TimeProvider _timeProvider;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly Lock _lock = new();
    private readonly List<RsaSecurityKey> _published = [];
    private RsaSecurityKey _current;
    private int _metadataFetches;
    private int _jwksFetches;

    private TestOidcIssuer(WebApplication app, TimeProvider timeProvider)
    {
        _app = app;
        _timeProvider = timeProvider;
        _current = CreateKey();
        _published.Add(_current);
    }

    /// <summary>Gets the issuer's base address, which is also the <c>iss</c> of its tokens (no trailing slash).</summary>
    public string Authority { get; private set; } = string.Empty;

    /// <summary>Gets the id (<c>kid</c>) of the key tokens are signed with now.</summary>
    public string CurrentKeyId
    {
        get
        {
            lock (_lock)
            {
                return _current.KeyId;
            }
        }
    }

    /// <summary>Gets how many times the discovery document was fetched.</summary>
    public int MetadataFetches => Volatile.Read(ref _metadataFetches);

    /// <summary>Gets how many times the JWKS was fetched.</summary>
    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    /// <summary>Starts an issuer on a free loopback port.</summary>
    /// <param name="timeProvider">The clock of issue and expiry; the default is the system clock.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The running issuer.</returns>
    public static async Task<TestOidcIssuer> StartAsync(TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var issuer = new TestOidcIssuer(app, timeProvider ?? TimeProvider.System);
        app.MapGet(MetadataPath, issuer.Metadata);
        app.MapGet(JwksPath, issuer.Jwks);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        issuer.Authority = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return issuer;
    }

    /// <summary>Creates an RSA key the issuer does not publish, for a token no one should accept.</summary>
    /// <returns>A new 2048-bit key with a random <c>kid</c>.</returns>
    public static RsaSecurityKey CreateKey() =>
        new(RSA.Create(2048)) { KeyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) };

    /// <summary>Starts signing with a new key; the previous keys stay published.</summary>
    /// <returns>The id (<c>kid</c>) of the new key.</returns>
    public string RotateKey()
    {
        var key = CreateKey();
        lock (_lock)
        {
            _published.Add(key);
            _current = key;
        }

        return key.KeyId;
    }

    /// <summary>Issues an RS256 token with the issuer as <c>iss</c>.</summary>
    /// <param name="audience">The audience (<c>aud</c>).</param>
    /// <param name="claims">The other claims, for instance <c>sub</c>, <c>name</c>, <c>roles</c> (an array) or a tenant.</param>
    /// <param name="expires">When it expires; the default is an hour from now. A past time makes an expired token (issued two hours before).</param>
    /// <param name="signingKey">The key to sign with; the default is the issuer's current key.</param>
    /// <returns>The signed token, in compact form.</returns>
    public string CreateToken(string audience, IDictionary<string, object>? claims = null, DateTimeOffset? expires = null, SecurityKey? signingKey = null)
    {
        ArgumentNullException.ThrowIfNull(audience);
        var notAfter = expires ?? _timeProvider.GetUtcNow().AddHours(1);
        var issuedAt = notAfter.AddHours(-2);
        RsaSecurityKey current;
        lock (_lock)
        {
            current = _current;
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = notAfter.UtcDateTime,
            Claims = claims is null ? null : new Dictionary<string, object>(claims, StringComparer.Ordinal),
            SigningCredentials = new SigningCredentials(signingKey ?? current, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        lock (_lock)
        {
            foreach (var key in _published)
            {
                key.Rsa.Dispose();
            }
        }
    }

    private IResult Metadata()
    {
        Interlocked.Increment(ref _metadataFetches);
        var document = new JsonObject
        {
            ["issuer"] = Authority,
            ["jwks_uri"] = Authority + JwksPath,
            ["authorization_endpoint"] = Authority + "/authorize",
            ["token_endpoint"] = Authority + "/token",
            ["response_types_supported"] = new JsonArray("code"),
            ["subject_types_supported"] = new JsonArray("public"),
            ["id_token_signing_alg_values_supported"] = new JsonArray(SecurityAlgorithms.RsaSha256),
        };
        return Results.Content(document.ToJsonString(), "application/json");
    }

    private IResult Jwks()
    {
        Interlocked.Increment(ref _jwksFetches);
        List<RsaSecurityKey> published;
        lock (_lock)
        {
            published = [.. _published];
        }

        var keys = new JsonArray();
        foreach (var key in published)
        {
            var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
            keys.Add(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = SecurityAlgorithms.RsaSha256,
                ["kid"] = key.KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            });
        }

        return Results.Content(new JsonObject { ["keys"] = keys }.ToJsonString(), "application/json");
    }
}
