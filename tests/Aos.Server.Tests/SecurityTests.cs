using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Aos.Security;
using Aos.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Aos.Server.Tests;

/// <summary>
/// Secure by default: every route but the health probes needs an API key (401 otherwise), and each needs a permission that the key's
/// roles grant (403 otherwise); both answers are problem details that leak nothing.
/// </summary>
public sealed class SecurityTests(ServerFixture fixture)
{
    private static readonly string[] Anonymous = ["/healthz", "/readyz"];

    // The token endpoint takes its credentials in the body (OAuth 2.0 client credentials), so it needs no bearer header.
    private const string TokenEndpoint = "/v1/auth/token";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServerHost Server => fixture.Server;

    [Fact]
    public void EveryRoute_ButHealthAndOpenApi_NamesThePermissionItRequires()
    {
        var missing = Routes().Where(r => r.Permission is null && !Anonymous.Contains(r.Template) && r.Template is not ("/openapi/{documentName}.json" or TokenEndpoint)).ToList();

        Assert.True(missing.Count == 0, "Routes without a permission: " + string.Join(", ", missing.Select(r => $"{r.Method} {r.Template}")));
        Assert.True(Routes().Count >= 40, $"Only {Routes().Count} routes were found.");
    }

    [Fact]
    public async Task WithoutCredentials_EveryRouteButHealth_Answers401ProblemWithAChallenge()
    {
        foreach (var route in Routes())
        {
            using var response = await SendAsync(Server.Anonymous, route);
            if (route.Template == TokenEndpoint)
            {
                Assert.Equal("invalid_request", (await response.AssertProblemAsync(400))["error"]!.GetValue<string>());
                continue;
            }

            if (Anonymous.Contains(route.Template))
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route.Method} {route.Template} answered {(int)response.StatusCode} without credentials.");
                continue;
            }

            var problem = await response.AssertProblemAsync(401);
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Contains("Authorization: Bearer", problem.Detail(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PermissionMatrix_EveryRouteTimesEveryBuiltInRole_PassesExactlyWhenTheRoleGrantsThePermission()
    {
        var failures = new List<string>();
        foreach (var role in AosRoles.All)
        {
            using var client = await ClientWithRoleAsync(role);
            foreach (var route in Routes().Where(r => r.Permission is not null))
            {
                using var response = await SendAsync(client, route);
                var granted = AosRoles.Grants([role], route.Permission!);
                var status = (int)response.StatusCode;
                if (granted && status is 401 or 403)
                {
                    failures.Add($"{role}: {route.Method} {route.Template} ({route.Permission}) answered {status}, expected to pass.");
                }
                else if (!granted)
                {
                    if (status != 403)
                    {
                        failures.Add($"{role}: {route.Method} {route.Template} ({route.Permission}) answered {status}, expected 403.");
                        continue;
                    }

                    var problem = await response.AssertProblemAsync(403);
                    Assert.Contains($"'{route.Permission}'", problem.Detail(), StringComparison.Ordinal);
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task PermissionMatrix_AKeyWithACustomRole_PassesExactlyTheRoutesOfTheRolesPermissions()
    {
        string[] permissions = [Permissions.AgentsRead, Permissions.WorkflowsRun, Permissions.ApiKeysManage, Permissions.RolesManage];
        var role = "matrix-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await Server.Http.PostAsync("/v1/roles", ServerHost.Json(new JsonObject { ["name"] = role, ["permissions"] = new JsonArray([.. permissions.Select(p => (JsonNode?)p)]) }), Ct))
        {
            await created.AssertJsonAsync(201);
        }

        using var client = await ClientWithRoleAsync(role);
        var failures = new List<string>();
        foreach (var route in Routes().Where(r => r.Permission is not null))
        {
            using var response = await SendAsync(client, route);
            var (granted, status) = (permissions.Contains(route.Permission), (int)response.StatusCode);
            if (granted == status is 401 or 403)
            {
                failures.Add($"{route.Method} {route.Template} ({route.Permission}) answered {status}, expected {(granted ? "to pass" : "403")}.");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task BadCredentials_Answer401_WithoutEchoingThem()
    {
        var created = await CreateKeyAsync(AosRoles.User);
        var secret = created["secret"]!.GetValue<string>();
        var id = created["key"]!["id"]!.GetValue<string>();
        using (var revoke = await Server.Http.DeleteAsync($"/v1/api-keys/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        foreach (var header in new[] { "Bearer " + secret, "Bearer aos_nonsense", "Basic dXNlcjpwYXNz", "Bearer " + secret[..^2] + "xx" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/agents");
            request.Headers.TryAddWithoutValidation("Authorization", header);
            using var response = await Server.Anonymous.SendAsync(request, Ct);
            var problem = await response.AssertProblemAsync(401);
            var text = problem.ToJsonString();
            Assert.DoesNotContain(header["Bearer ".Length..], text, StringComparison.Ordinal);
            Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ApiKeys_CreatedSecretWorks_ListsWithoutSecrets_RevocationStopsItAtOnce()
    {
        var created = await CreateKeyAsync(AosRoles.Guest);
        var secret = created["secret"]!.GetValue<string>();
        var id = created["key"]!["id"]!.GetValue<string>();
        using var guest = Client(secret);

        using (var read = await guest.GetAsync("/v1/agents", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        var list = await Server.GetJsonAsync("/v1/api-keys");
        Assert.Contains(list["items"]!.AsArray(), k => k!["id"]!.GetValue<string>() == id);
        Assert.DoesNotContain(secret["aos_0123456789ab_".Length..], list.ToJsonString(), StringComparison.Ordinal);

        using (var revoked = await Server.Http.DeleteAsync($"/v1/api-keys/{id}", Ct))
        {
            Assert.NotNull((await revoked.AssertJsonAsync(200))["revokedAt"]);
        }

        using var after = await guest.GetAsync("/v1/agents", Ct);
        await after.AssertProblemAsync(401);
    }

    [Fact]
    public async Task ApiKeys_NoKeyBeyondTheCallersOwnPermissionsOrTenant()
    {
        using var admin = await ClientWithRoleAsync(AosRoles.Admin);

        using (var escalate = await admin.PostAsync("/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = "x", ["roles"] = new JsonArray("superuser") }), Ct))
        {
            Assert.Contains("which the caller does not hold", (await escalate.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        }

        using (var elsewhere = await admin.PostAsync("/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = "x", ["tenant"] = "acme" }), Ct))
        {
            Assert.Contains("'acme'", (await elsewhere.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        }

        using var own = await admin.PostAsync("/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = "ok", ["roles"] = new JsonArray("agent_manager") }), Ct);
        Assert.Equal("agent_manager", (await own.AssertJsonAsync(201))["key"]!["roles"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task KeyOfAnotherTenant_ReachesNothingOfTheDefaultTenant_ButManagesItsOwnTenantsKeys()
    {
        var tenant = await Server.CreateTenantAsync();
        var created = await CreateKeyAsync(AosRoles.Admin, tenant);
        using var other = Client(created["secret"]!.GetValue<string>());
        var agent = await Server.RegisterAsync("echo");

        using var agents = await other.GetAsync("/v1/agents", Ct);
        Assert.DoesNotContain((await agents.AssertJsonAsync(200))["items"]!.AsArray(), a => a!["id"]!.GetValue<string>() == agent);
        await (await other.GetAsync($"/v1/agents/{agent}", Ct)).AssertProblemAsync(404);
        using var backup = await other.PostAsync("/v1/backups", ServerHost.Json(new JsonObject { ["directory"] = "/tmp/never-written" }), Ct);
        Assert.Contains("in this tenant", (await backup.AssertProblemAsync(403)).Detail(), StringComparison.Ordinal);

        using (var own = await other.GetAsync("/v1/api-keys", Ct))
        {
            Assert.All((await own.AssertJsonAsync(200))["items"]!.AsArray(), k => Assert.Equal(tenant, k!["tenant"]!.GetValue<string>()));
        }

        using var superuserList = await Server.Http.GetAsync("/v1/api-keys", Ct);
        Assert.Contains((await superuserList.AssertJsonAsync(200))["items"]!.AsArray(), k => k!["tenant"]!.GetValue<string>() == tenant);
    }

    [Fact]
    public async Task Secrets_NeverAppearInAnyLogLine_AtAnyLevel()
    {
        await using var server = await ServerHost.StartAsync(configure: aos => aos.Services.AddFakeLogging().AddLogging(b => b.AddFilter<FakeLoggerProvider>(null, LogLevel.Trace)));
        using var created = await server.Http.PostAsync("/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = "logged", ["roles"] = new JsonArray("user") }), Ct);
        var secret = (await created.AssertJsonAsync(201))["secret"]!.GetValue<string>();
        var secrets = new[] { server.ApiKey, secret }.Select(k => k["aos_0123456789ab_".Length..]).ToList();
        using var user = Client(secret, server.Address);
        await (await user.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        await (await user.PostAsync("/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = "x" }), Ct)).AssertProblemAsync(403);
        using var wrong = Client(secret[..^3] + "abc", server.Address);
        await (await wrong.GetAsync("/v1/agents", Ct)).AssertProblemAsync(401);

        var lines = server.Services.GetFakeLogCollector().GetSnapshot();

        Assert.Contains(lines, l => l.Message.Contains("credentials/admin.key", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Level < LogLevel.Information);
        foreach (var line in lines)
        {
            var text = line.Message + " " + line.Exception + " " + string.Join(" ", line.StructuredState?.Select(p => p.Value) ?? []);
            Assert.All(secrets, s => Assert.DoesNotContain(s, text, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task TokenEndpoint_ExchangesAnApiKeyForAnAccessToken_ThatCarriesTheKeysRoles()
    {
        var guestKey = (await CreateKeyAsync(AosRoles.Guest))["secret"]!.GetValue<string>();

        using var response = await RequestTokenAsync(Server.Anonymous, "client_credentials", guestKey);
        var answer = await response.AssertJsonAsync(200);
        var token = answer["access_token"]!.GetValue<string>();
        Assert.Equal("Bearer", answer["token_type"]!.GetValue<string>());
        Assert.Equal(900, answer["expires_in"]!.GetValue<long>());
        Assert.Equal(3, token.Split('.').Length);

        using var guest = Client(token);
        await (await guest.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        var refused = await (await guest.PostAsync("/v1/agents", ServerHost.Json(new JsonObject { ["id"] = "t-" + Guid.NewGuid().ToString("N")[..8], ["type"] = "echo" }), Ct)).AssertProblemAsync(403);
        Assert.Contains("'agents:write'", refused.Detail(), StringComparison.Ordinal);

        // Rotating the signing key keeps the token working until it expires; new tokens are signed with the new key.
        using (var rotated = await Server.Http.PostAsync("/v1/auth/signing-keys/rotate", null, Ct))
        {
            Assert.False(string.IsNullOrEmpty((await rotated.AssertJsonAsync(200))["keyId"]!.GetValue<string>()));
        }

        await (await guest.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        using var again = await RequestTokenAsync(Server.Anonymous, "client_credentials", guestKey);
        using var renewed = Client((await again.AssertJsonAsync(200))["access_token"]!.GetValue<string>());
        await (await renewed.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
    }

    [Fact]
    public async Task TokenEndpoint_BadRequests_AreProblemsWithTheOAuthErrorCode()
    {
        var key = (await CreateKeyAsync(AosRoles.User))["secret"]!.GetValue<string>();

        using var grant = await RequestTokenAsync(Server.Anonymous, "authorization_code", key);
        using var secret = await RequestTokenAsync(Server.Anonymous, "client_credentials", key[..^2] + "zz");
        using var json = await Server.Anonymous.PostAsync(TokenEndpoint, ServerHost.Json(new JsonObject { ["grant_type"] = "client_credentials" }), Ct);
        using var forged = Client("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");
        using var withForged = await forged.GetAsync("/v1/agents", Ct);

        Assert.Equal("unsupported_grant_type", (await grant.AssertProblemAsync(400))["error"]!.GetValue<string>());
        var invalid = await secret.AssertProblemAsync(401);
        Assert.Equal("invalid_client", invalid["error"]!.GetValue<string>());
        Assert.DoesNotContain(key[^20..^2], invalid.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("invalid_request", (await json.AssertProblemAsync(400))["error"]!.GetValue<string>());
        Assert.Contains("access token", (await withForged.AssertProblemAsync(401)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenEndpoint_IsRateLimitedPerClient_With429AndRetryAfter()
    {
        await using var server = await ServerHost.StartAsync(["--Aos:Auth:TokenRequestsPerMinute=3"]);
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await RequestTokenAsync(server.Anonymous, "client_credentials", server.ApiKey);
            await allowed.AssertJsonAsync(200);
        }

        using var limited = await RequestTokenAsync(server.Anonymous, "client_credentials", server.ApiKey);

        Assert.Contains("Aos:Auth:TokenRequestsPerMinute", (await limited.AssertProblemAsync(429)).Detail(), StringComparison.Ordinal);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After.");
        await (await server.Http.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200); // other routes are not limited
    }

    [Fact]
    public async Task PasswordGrant_LocalUser_GetsATokenWithItsRoles_AndIsLockedOutAfterRepeatedFailures()
    {
        await using var server = await ServerHost.StartAsync(["--Aos:Auth:Passwords:Iterations=1000", "--Aos:Auth:Passwords:MaxFailedAttempts=2"]);
        const string Password = "correct horse battery";
        var user = new JsonObject { ["username"] = "ada", ["password"] = Password, ["roles"] = new JsonArray("user") };
        using (var created = await server.Http.PostAsync("/v1/users", ServerHost.Json(user), Ct))
        {
            Assert.Equal("ada", (await created.AssertJsonAsync(201))["username"]!.GetValue<string>());
        }

        using (var twice = await server.Http.PostAsync("/v1/users", ServerHost.Json(user.DeepClone()), Ct))
        {
            await twice.AssertProblemAsync(409);
        }

        using (var listed = await server.Http.GetAsync("/v1/users", Ct))
        {
            var text = (await listed.AssertJsonAsync(200)).ToJsonString();
            Assert.Contains("\"ada\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
            Assert.DoesNotContain("hash", text, StringComparison.Ordinal);
        }

        using var signedIn = await RequestPasswordTokenAsync(server.Anonymous, "ada", Password);
        using var ada = Client((await signedIn.AssertJsonAsync(200))["access_token"]!.GetValue<string>(), server.Address);
        await (await ada.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        await (await ada.GetAsync("/v1/users", Ct)).AssertProblemAsync(403);

        using var wrong = await RequestPasswordTokenAsync(server.Anonymous, "ada", "wrong password!!");
        Assert.Equal("invalid_grant", (await wrong.AssertProblemAsync(400))["error"]!.GetValue<string>());
        using var unknown = await RequestPasswordTokenAsync(server.Anonymous, "nobody", Password);
        Assert.Equal("The username or password is wrong.", (await unknown.AssertProblemAsync(400)).Detail());
        using var locking = await RequestPasswordTokenAsync(server.Anonymous, "ada", "wrong password!!");
        Assert.Contains("locked out", (await locking.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        using var stillLocked = await RequestPasswordTokenAsync(server.Anonymous, "ada", Password);
        Assert.Contains("locked out", (await stillLocked.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> RequestPasswordTokenAsync(HttpClient client, string username, string password) =>
        client.PostAsync(TokenEndpoint, new FormUrlEncodedContent([new("grant_type", "password"), new("username", username), new("password", password)]), Ct);

    private static Task<HttpResponseMessage> RequestTokenAsync(HttpClient client, string grant, string secret) =>
        client.PostAsync(TokenEndpoint, new FormUrlEncodedContent([new("grant_type", grant), new("client_secret", secret)]), Ct);

    private sealed record Route(string Method, string Template, string? Permission);

    private List<Route> Routes() =>
        [.. Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m =>
                new Route(m, "/" + e.RoutePattern.RawText!.TrimStart('/'), e.Metadata.GetMetadata<RequiredPermissionMetadata>()?.Permission)))
            .Where(r => r.Method is "GET" or "POST" or "PUT" or "DELETE")
            .DistinctBy(r => (r.Method, r.Template))];

    /// <summary>Sends a request to a route with made-up ids and an empty JSON body: enough to pass or fail the gate without changing anything.</summary>
    private static Task<HttpResponseMessage> SendAsync(HttpClient client, Route route)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(route.Template, "{[^}]+}", m => m.Value.Contains("documentName", StringComparison.Ordinal) ? "v1" : "matrix-none");
        var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
        if (route.Method is "POST" or "PUT")
        {
            request.Content = ServerHost.Json("{}");
        }

        return client.SendAsync(request, Ct);
    }

    private async Task<JsonNode> CreateKeyAsync(string role, string? tenant = null)
    {
        using var response = await Server.Http.PostAsync("/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = "test " + role, ["roles"] = new JsonArray(role), ["tenant"] = tenant }), Ct);
        return await response.AssertJsonAsync(201);
    }

    private async Task<HttpClient> ClientWithRoleAsync(string role) => Client((await CreateKeyAsync(role))["secret"]!.GetValue<string>());

    private HttpClient Client(string key) => Client(key, Server.Address);

    private static HttpClient Client(string key, Uri address)
    {
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
