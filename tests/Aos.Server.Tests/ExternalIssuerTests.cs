using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Aos.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Aos.Server.Tests;

/// <summary>
/// External OpenID Connect issuers (<c>Aos:Auth:Issuers</c>): tokens of a local <see cref="TestOidcIssuer"/> are validated over its JWKS
/// and mapped to AOS tenants and roles, alongside AOS's own keys and tokens.
/// </summary>
public sealed class ExternalIssuerTests : IAsyncLifetime
{
    private const string Audience = "api://aos";

    private TestOidcIssuer _issuer = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _issuer = await TestOidcIssuer.StartAsync(cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await _issuer.DisposeAsync();

    [Fact]
    public async Task MappedRole_PassesRoutesItsRoleGrants_And403BeyondThem()
    {
        await using var server = await StartServerAsync("--Aos:Auth:Issuers:corp:Tenant=default", "--Aos:Auth:Issuers:corp:RoleMap:aos-users=user");
        using var client = Client(server, Token(new() { ["sub"] = "u-1", ["name"] = "Ada", ["roles"] = new[] { "aos-users", "unmapped-group" } }));

        await (await client.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        using var register = await client.PostAsync("/v1/agents", ServerHost.Json(new JsonObject { ["id"] = ServerHost.NewId("ext"), ["type"] = "echo" }), Ct);

        Assert.Contains("'agents:write'", (await register.AssertProblemAsync(403)).Detail(), StringComparison.Ordinal);
        Assert.Equal(1, _issuer.MetadataFetches);
        Assert.Equal(1, _issuer.JwksFetches);
    }

    [Fact]
    public async Task NoMappedRole_IsAuthenticatedButForbiddenEverywhere()
    {
        await using var server = await StartServerAsync("--Aos:Auth:Issuers:corp:Tenant=default", "--Aos:Auth:Issuers:corp:RoleMap:aos-users=user");
        using var client = Client(server, Token(new() { ["sub"] = "u-2", ["roles"] = new[] { "someone-else" } }));

        await (await client.GetAsync("/v1/agents", Ct)).AssertProblemAsync(403);
        await (await client.GetAsync("/v1/workflows", Ct)).AssertProblemAsync(403);
    }

    [Fact]
    public async Task TenantClaim_NamesEachPrincipalsTenant_AndAFixedTenantAppliesToAllOfAnIssuer()
    {
        await using var partner = await TestOidcIssuer.StartAsync(cancellationToken: Ct);
        await using var server = await StartServerAsync(
            "--Aos:Auth:Issuers:corp:TenantClaim=org",
            "--Aos:Auth:Issuers:corp:RoleMap:root=superuser",
            "--Aos:Auth:Issuers:corp:RoleMap:staff=admin",
            $"--Aos:Auth:Issuers:partner:Authority={partner.Authority}",
            "--Aos:Auth:Issuers:partner:RequireHttpsMetadata=false",
            $"--Aos:Auth:Issuers:partner:Audience={Audience}",
            "--Aos:Auth:Issuers:partner:Tenant=acme",
            "--Aos:Auth:Issuers:partner:DefaultRoles:0=admin");

        await server.EnsureTenantAsync("acme");
        using var acmeRoot = Client(server, Token(new() { ["sub"] = "r-1", ["org"] = "acme", ["roles"] = new[] { "root" } }));
        using var created = await acmeRoot.PostAsync("/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = "made by acme", ["roles"] = new JsonArray("guest") }), Ct);
        Assert.Equal("acme", (await created.AssertJsonAsync(201))["key"]!["tenant"]!.GetValue<string>());

        using var defaultStaff = Client(server, Token(new() { ["sub"] = "s-1", ["org"] = "default", ["roles"] = new[] { "staff" } }));
        await (await defaultStaff.GetAsync("/v1/api-keys", Ct)).AssertJsonAsync(200);

        using var acmeStaff = Client(server, Token(new() { ["sub"] = "s-2", ["org"] = "acme", ["roles"] = new[] { "staff" } }));
        Assert.All((await (await acmeStaff.GetAsync("/v1/api-keys", Ct)).AssertJsonAsync(200))["items"]!.AsArray(), k => Assert.Equal("acme", k!["tenant"]!.GetValue<string>()));
        Assert.Contains("in this tenant", (await (await acmeStaff.PostAsync("/v1/backups", Backup(), Ct)).AssertProblemAsync(403)).Detail(), StringComparison.Ordinal);

        using var noTenant = Client(server, Token(new() { ["sub"] = "s-3", ["roles"] = new[] { "staff" } }));
        Assert.Contains("has no tenant", (await (await noTenant.GetAsync("/v1/agents", Ct)).AssertProblemAsync(401)).Detail(), StringComparison.Ordinal);

        using var badTenant = Client(server, Token(new() { ["sub"] = "s-4", ["org"] = "Not A Tenant", ["roles"] = new[] { "staff" } }));
        Assert.Contains("no valid AOS tenant", (await (await badTenant.GetAsync("/v1/agents", Ct)).AssertProblemAsync(401)).Detail(), StringComparison.Ordinal);

        // The partner's principals all act in its fixed tenant with its default role, whatever their tokens say.
        using var partnerAdmin = Client(server, partner.CreateToken(Audience, new Dictionary<string, object> { ["sub"] = "p-1", ["org"] = "default" }));
        Assert.Contains("in this tenant", (await (await partnerAdmin.PostAsync("/v1/backups", Backup(), Ct)).AssertProblemAsync(403)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectedTokens_Answer401Problems_ThatSayWhyWithoutEchoingThem()
    {
        await using var stranger = await TestOidcIssuer.StartAsync(cancellationToken: Ct);
        await using var server = await StartServerAsync("--Aos:Auth:Issuers:corp:Tenant=default", "--Aos:Auth:Issuers:corp:RoleMap:aos-users=user");
        var claims = new Dictionary<string, object> { ["sub"] = "u-3", ["roles"] = new[] { "aos-users" } };
        var valid = _issuer.CreateToken(Audience, claims);
        var parts = valid.Split('.');
        var tampered = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";
        var cases = new (string Token, string Reason)[]
        {
            (stranger.CreateToken(Audience, claims), "neither an AOS API key nor a valid"),
            (_issuer.CreateToken("api://someone-else", claims), "not issued for AOS's audience"),
            (_issuer.CreateToken(Audience, claims, expires: DateTimeOffset.UtcNow.AddHours(-1)), "expired or not yet valid"),
            (tampered, "invalid signature"),
            (_issuer.CreateToken(Audience, claims, signingKey: TestOidcIssuer.CreateKey()), "a key the issuer does not publish"),
        };

        await (await Client(server, valid).GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        foreach (var (token, reason) in cases)
        {
            using var client = Client(server, token);
            using var response = await client.GetAsync("/v1/agents", Ct);
            var problem = await response.AssertProblemAsync(401);
            Assert.Contains(reason, problem.Detail(), StringComparison.Ordinal);
            Assert.DoesNotContain("IDX", problem.Detail(), StringComparison.Ordinal);
            Assert.All(token.Split('.'), part => Assert.DoesNotContain(part, problem.ToJsonString(), StringComparison.Ordinal));
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RotatedSigningKey_IsAcceptedAtOnce_AfterAosFetchesTheJwksAgain()
    {
        await using var server = await StartServerAsync("--Aos:Auth:Issuers:corp:Tenant=default", "--Aos:Auth:Issuers:corp:RoleMap:aos-users=user");
        var claims = new Dictionary<string, object> { ["sub"] = "u-4", ["roles"] = new[] { "aos-users" } };
        using var before = Client(server, _issuer.CreateToken(Audience, claims));
        await (await before.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        Assert.Equal(1, _issuer.JwksFetches);

        var oldKey = _issuer.CurrentKeyId;
        var newKey = _issuer.RotateKey();
        using var after = Client(server, _issuer.CreateToken(Audience, claims));

        Assert.NotEqual(oldKey, newKey);
        await (await after.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        Assert.Equal(2, _issuer.JwksFetches);
        await (await before.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        Assert.Equal(2, _issuer.JwksFetches);
    }

    [Fact]
    public async Task AosKeysAndTokens_StillWork_AlongsideAnIssuer()
    {
        await using var server = await StartServerAsync("--Aos:Auth:Issuers:corp:Tenant=default", "--Aos:Auth:Issuers:corp:RoleMap:aos-users=user");
        await (await server.Http.GetAsync("/v1/api-keys", Ct)).AssertJsonAsync(200);

        using var issued = await server.Anonymous.PostAsync("/v1/auth/token", new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("client_secret", server.ApiKey)]), Ct);
        using var aosToken = Client(server, (await issued.AssertJsonAsync(200))["access_token"]!.GetValue<string>());
        await (await aosToken.GetAsync("/v1/api-keys", Ct)).AssertJsonAsync(200);

        using var nobody = Client(server, "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl");
        Assert.Contains("neither an AOS API key", (await (await nobody.GetAsync("/v1/agents", Ct)).AssertProblemAsync(401)).Detail(), StringComparison.Ordinal);
        using var anonymous = await server.Anonymous.GetAsync("/v1/agents", Ct);
        Assert.Contains("Authorization: Bearer", (await anonymous.AssertProblemAsync(401)).Detail(), StringComparison.Ordinal);
        Assert.Equal(0, _issuer.MetadataFetches);
    }

    [Theory]
    [InlineData("Audience", "--Aos:Auth:Issuers:corp:Authority=https://login.example.com", "--Aos:Auth:Issuers:corp:Tenant=default")]
    [InlineData("Aos:Auth:Issuers:corp:RequireHttpsMetadata=false", "--Aos:Auth:Issuers:corp:Authority=http://127.0.0.1:1", "--Aos:Auth:Issuers:corp:Audience=a", "--Aos:Auth:Issuers:corp:Tenant=default")]
    [InlineData("Aos:Auth:Issuers:corp:Authority is not set", "--Aos:Auth:Issuers:corp:Audience=a", "--Aos:Auth:Issuers:corp:Tenant=default")]
    [InlineData("Aos:Auth:Issuers:corp:TenantClaim", "--Aos:Auth:Issuers:corp:Authority=https://login.example.com", "--Aos:Auth:Issuers:corp:Audience=a")]
    [InlineData("Aos:Auth:Issuers:corp:Tenant: The tenant 'Acme Corp'", "--Aos:Auth:Issuers:corp:Authority=https://login.example.com", "--Aos:Auth:Issuers:corp:Audience=a", "--Aos:Auth:Issuers:corp:Tenant=Acme Corp")]
    [InlineData("Aos:Auth:Issuers:corp:RoleMap:admins: 'root' is no role", "--Aos:Auth:Issuers:corp:Authority=https://login.example.com", "--Aos:Auth:Issuers:corp:Audience=a", "--Aos:Auth:Issuers:corp:Tenant=default", "--Aos:Auth:Issuers:corp:RoleMap:admins=root")]
    [InlineData("Aos:Auth:Issuers:corp:DefaultRoles: 'owner' is no role", "--Aos:Auth:Issuers:corp:Authority=https://login.example.com", "--Aos:Auth:Issuers:corp:Audience=a", "--Aos:Auth:Issuers:corp:Tenant=default", "--Aos:Auth:Issuers:corp:DefaultRoles:0=owner")]
    [InlineData("of AOS's own tokens", "--Aos:Auth:Issuers:corp:Authority=https://login.example.com", "--Aos:Auth:Issuers:corp:Issuer=aos", "--Aos:Auth:Issuers:corp:Audience=a", "--Aos:Auth:Issuers:corp:Tenant=default")]
    [InlineData("The issuer name 'Corp_1'", "--Aos:Auth:Issuers:Corp_1:Authority=https://login.example.com", "--Aos:Auth:Issuers:Corp_1:Audience=a", "--Aos:Auth:Issuers:Corp_1:Tenant=default")]
    public async Task BadIssuerConfiguration_FailsStartup_WithAMessageNamingTheSetting(string expected, params string[] args)
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(() => ServerHost.StartAsync(args));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("Aos:Auth:Issuers", error.Field);
    }

    [Fact]
    public async Task Tokens_NeverAppearInAnyLogLine_AtAnyLevel()
    {
        var args = IssuerArgs("--Aos:Auth:Issuers:corp:Tenant=default", "--Aos:Auth:Issuers:corp:RoleMap:aos-users=user");
        await using var server = await ServerHost.StartAsync(args, aos => aos.Services.AddFakeLogging().AddLogging(b => b.AddFilter<FakeLoggerProvider>(null, LogLevel.Trace)));
        var claims = new Dictionary<string, object> { ["sub"] = "u-5", ["roles"] = new[] { "aos-users" } };
        var valid = _issuer.CreateToken(Audience, claims);
        var tokens = new[]
        {
            valid,
            _issuer.CreateToken(Audience, claims, expires: DateTimeOffset.UtcNow.AddHours(-1)),
            _issuer.CreateToken(Audience, claims, signingKey: TestOidcIssuer.CreateKey()),
            valid[..^4] + (valid.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA"),
        };
        foreach (var token in tokens)
        {
            using var client = Client(server, token);
            using var response = await client.GetAsync("/v1/agents", Ct);
        }

        var lines = server.Services.GetFakeLogCollector().GetSnapshot();

        Assert.Contains(lines, l => l.Message.Contains("Refused a token of issuer corp", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            var text = line.Message + " " + line.Exception + " " + string.Join(" ", line.StructuredState?.Select(p => p.Value) ?? []);
            Assert.All(tokens.SelectMany(t => t.Split('.').Skip(1)), part => Assert.DoesNotContain(part, text, StringComparison.Ordinal));
        }
    }

    private string Token(Dictionary<string, object> claims) => _issuer.CreateToken(Audience, claims);

    private string[] IssuerArgs(params string[] extra) =>
    [
        $"--Aos:Auth:Issuers:corp:Authority={_issuer.Authority}",
        "--Aos:Auth:Issuers:corp:RequireHttpsMetadata=false",
        $"--Aos:Auth:Issuers:corp:Audience={Audience}",
        .. extra,
    ];

    private Task<ServerHost> StartServerAsync(params string[] extra) => ServerHost.StartAsync(IssuerArgs(extra));

    // A backup is installation-wide: an admin acting in any tenant but the default one may not take it.
    private static StringContent Backup() => ServerHost.Json(new JsonObject { ["directory"] = "/tmp/never-written" });

    private static HttpClient Client(ServerHost server, string token)
    {
        var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
