using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Aos.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Aos.Server.Tests;

/// <summary>
/// Sign-in sessions over HTTP: the password grant returns a refresh token, a refresh rotates it, reuse ends the session; revocation
/// (RFC 7009), introspection (RFC 7662), listing and ending sessions, and no password or refresh token in any log line.
/// </summary>
public sealed class SessionEndpointsTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private const string TokenEndpoint = "/v1/auth/token";

    private ServerHost _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _server = await ServerHost.StartAsync(
            ["--Aos:Auth:Passwords:Iterations=1000", "--Aos:Auth:TokenRequestsPerMinute=1000"],
            aos => aos.Services.AddFakeLogging().AddLogging(b => b.AddFilter<FakeLoggerProvider>(null, LogLevel.Trace)));

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task PasswordThenRefresh_Rotates_AndReusingTheSpentToken_EndsTheSession()
    {
        var first = await SignInAsync("ada");
        Assert.Equal("Bearer", first["token_type"]!.GetValue<string>());
        var refreshed = await (await RefreshAsync(first["refresh_token"]!.GetValue<string>())).AssertJsonAsync(200);
        Assert.NotEqual(first["refresh_token"]!.GetValue<string>(), refreshed["refresh_token"]!.GetValue<string>());
        using var ada = Client(refreshed["access_token"]!.GetValue<string>());
        await (await ada.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);

        using var reuse = await RefreshAsync(first["refresh_token"]!.GetValue<string>());
        var reused = await reuse.AssertProblemAsync(400);
        Assert.Equal("invalid_grant", reused["error"]!.GetValue<string>());
        Assert.Contains("already used", reused.Detail(), StringComparison.Ordinal);

        using var newest = await RefreshAsync(refreshed["refresh_token"]!.GetValue<string>());
        var ended = await newest.AssertProblemAsync(400);
        Assert.Equal("invalid_grant", ended["error"]!.GetValue<string>());
        Assert.Contains("ended", ended.Detail(), StringComparison.Ordinal);
        await (await ada.GetAsync("/v1/agents", Ct)).AssertProblemAsync(401);

        using var garbage = await RefreshAsync("aosr_nonsense");
        Assert.Equal("invalid_grant", (await garbage.AssertProblemAsync(400))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeletingAUser_EndsItsSessions_AtOnce()
    {
        var signedIn = await SignInAsync("leaving");
        using var leaving = Client(signedIn["access_token"]!.GetValue<string>());
        await (await leaving.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);

        await (await _server.Http.DeleteAsync("/v1/users/leaving", Ct)).AssertStatusAsync(204);

        await (await leaving.GetAsync("/v1/agents", Ct)).AssertProblemAsync(401);
        using var refresh = await RefreshAsync(signedIn["refresh_token"]!.GetValue<string>());
        Assert.Contains("the user was deleted", (await refresh.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCredentials_IssueNoRefreshToken()
    {
        using var response = await _server.Anonymous.PostAsync(TokenEndpoint, Form(("grant_type", "client_credentials"), ("client_secret", _server.ApiKey)), Ct);

        Assert.Null((await response.AssertJsonAsync(200))["refresh_token"]);
    }

    [Fact]
    public async Task Revoke_RefreshTokenEndsTheSession_AccessTokenStopsOnlyItself_UnknownAnswers200()
    {
        var signedIn = await SignInAsync("rev");
        var second = await (await RefreshAsync(signedIn["refresh_token"]!.GetValue<string>())).AssertJsonAsync(200);
        using var firstClient = Client(signedIn["access_token"]!.GetValue<string>());
        using var secondClient = Client(second["access_token"]!.GetValue<string>());

        await (await secondClient.PostAsync("/v1/auth/revoke", Form(("token", signedIn["access_token"]!.GetValue<string>())), Ct)).AssertStatusAsync(200);
        await (await firstClient.GetAsync("/v1/agents", Ct)).AssertProblemAsync(401);
        await (await secondClient.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);

        await (await secondClient.PostAsync("/v1/auth/revoke", Form(("token", "aosr_unknown"), ("token_type_hint", "refresh_token")), Ct)).AssertStatusAsync(200);
        await (await secondClient.PostAsync("/v1/auth/revoke", Form(("token", second["refresh_token"]!.GetValue<string>())), Ct)).AssertStatusAsync(200);
        await (await secondClient.GetAsync("/v1/agents", Ct)).AssertProblemAsync(401);
        using var refresh = await RefreshAsync(second["refresh_token"]!.GetValue<string>());
        Assert.Contains("signed out", (await refresh.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);

        using var noToken = await _server.Http.PostAsync("/v1/auth/revoke", Form(("token_type_hint", "access_token")), Ct);
        Assert.Contains("'token'", (await noToken.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_SomeoneElsesToken_WithoutSessionsManage_ChangesNothing()
    {
        var victim = await SignInAsync("victim");
        var other = await SignInAsync("other");
        using var otherClient = Client(other["access_token"]!.GetValue<string>());

        await (await otherClient.PostAsync("/v1/auth/revoke", Form(("token", victim["refresh_token"]!.GetValue<string>())), Ct)).AssertStatusAsync(200);
        await (await otherClient.PostAsync("/v1/auth/revoke", Form(("token", victim["access_token"]!.GetValue<string>())), Ct)).AssertStatusAsync(200);

        using var victimClient = Client(victim["access_token"]!.GetValue<string>());
        await (await victimClient.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        await (await RefreshAsync(victim["refresh_token"]!.GetValue<string>())).AssertJsonAsync(200);
    }

    [Fact]
    public async Task Introspect_OwnTokenIsActive_OthersAndOtherTenantsAreInactive()
    {
        var signedIn = await SignInAsync("intro");
        var access = signedIn["access_token"]!.GetValue<string>();
        using var own = Client(access);

        var mine = await (await own.PostAsync("/v1/auth/introspect", Form(("token", access)), Ct)).AssertJsonAsync(200);
        Assert.True(mine["active"]!.GetValue<bool>());
        Assert.Equal(("user:default/intro", "default", "intro", "access_token"), (mine["sub"]!.GetValue<string>(), mine["tenant"]!.GetValue<string>(), mine["username"]!.GetValue<string>(), mine["token_type"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(mine["sid"]!.GetValue<string>()));
        Assert.True(mine["exp"]!.GetValue<long>() > mine["iat"]!.GetValue<long>());
        var refresh = await (await own.PostAsync("/v1/auth/introspect", Form(("token", signedIn["refresh_token"]!.GetValue<string>())), Ct)).AssertJsonAsync(200);
        Assert.Equal(("refresh_token", mine["sid"]!.GetValue<string>()), (refresh["token_type"]!.GetValue<string>(), refresh["sid"]!.GetValue<string>()));

        var acmeKey = await CreateKeyAsync(AosRoles.Admin, "acme");
        using var acmeToken = await _server.Anonymous.PostAsync(TokenEndpoint, Form(("grant_type", "client_credentials"), ("client_secret", acmeKey)), Ct);
        var acmeAccess = (await acmeToken.AssertJsonAsync(200))["access_token"]!.GetValue<string>();
        using var admin = Client(await CreateKeyAsync(AosRoles.Admin));
        using var guest = Client(await CreateKeyAsync(AosRoles.Guest));

        foreach (var (client, token) in new[] { (admin, acmeAccess), (guest, access), (own, "not a token"), (own, acmeAccess) })
        {
            var answer = await (await client.PostAsync("/v1/auth/introspect", Form(("token", token)), Ct)).AssertJsonAsync(200);
            Assert.Equal("""{"active":false}""", answer.ToJsonString());
        }

        Assert.True((await (await admin.PostAsync("/v1/auth/introspect", Form(("token", access)), Ct)).AssertJsonAsync(200))["active"]!.GetValue<bool>());
        var acme = await (await _server.Http.PostAsync("/v1/auth/introspect", Form(("token", acmeAccess)), Ct)).AssertJsonAsync(200);
        Assert.Equal(("acme", "access_token"), (acme["tenant"]!.GetValue<string>(), acme["token_type"]!.GetValue<string>()));
        Assert.StartsWith("api-key:", acme["client_id"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_ListOwnOrAll_EndOwnOrAsAdmin_OthersAre404()
    {
        var first = await SignInAsync("lister");
        await SignInAsync("lister");
        var bob = await SignInAsync("bobby");
        using var lister = Client(first["access_token"]!.GetValue<string>());
        using var bobClient = Client(bob["access_token"]!.GetValue<string>());

        var own = (await (await lister.GetAsync("/v1/auth/sessions", Ct)).AssertJsonAsync(200))["items"]!.AsArray();
        Assert.Equal(2, own.Count);
        Assert.All(own, s => Assert.Equal("user:default/lister", s!["subjectId"]!.GetValue<string>()));
        Assert.DoesNotContain("refresh", own.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("'sessions:manage'", (await (await lister.GetAsync("/v1/auth/sessions?all=true", Ct)).AssertProblemAsync(403)).Detail(), StringComparison.Ordinal);
        var all = (await (await _server.Http.GetAsync("/v1/auth/sessions?all=true", Ct)).AssertJsonAsync(200))["items"]!.AsArray();
        Assert.Contains(all, s => s!["subjectId"]!.GetValue<string>() == "user:default/bobby");

        var listerSession = own[^1]!["id"]!.GetValue<string>();
        await (await bobClient.DeleteAsync($"/v1/auth/sessions/{listerSession}", Ct)).AssertProblemAsync(404);
        await (await lister.DeleteAsync("/v1/auth/sessions/0123456789abcdef0123456789abcdef", Ct)).AssertProblemAsync(404);
        await (await lister.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);

        var ended = await (await lister.DeleteAsync($"/v1/auth/sessions/{listerSession}", Ct)).AssertJsonAsync(200);
        Assert.Equal("signed out", ended["revokedReason"]!.GetValue<string>());
        await (await lister.GetAsync("/v1/agents", Ct)).AssertProblemAsync(401);

        var bobSession = (await (await bobClient.GetAsync("/v1/auth/sessions", Ct)).AssertJsonAsync(200))["items"]![0]!["id"]!.GetValue<string>();
        using var admin = Client(await CreateKeyAsync(AosRoles.Admin));
        var byAdmin = await (await admin.DeleteAsync($"/v1/auth/sessions/{bobSession}", Ct)).AssertJsonAsync(200);
        Assert.StartsWith("ended by api-key:", byAdmin["revokedReason"]!.GetValue<string>(), StringComparison.Ordinal);
        await (await bobClient.GetAsync("/v1/agents", Ct)).AssertProblemAsync(401);
    }

    [Fact]
    public async Task PasswordsAndRefreshTokens_NeverAppearInAnyLogLine()
    {
        var signedIn = await SignInAsync("logged");
        var refreshed = await (await RefreshAsync(signedIn["refresh_token"]!.GetValue<string>())).AssertJsonAsync(200);
        await (await RefreshAsync(signedIn["refresh_token"]!.GetValue<string>())).AssertProblemAsync(400);
        using var wrong = await _server.Anonymous.PostAsync(TokenEndpoint, Form(("grant_type", "password"), ("username", "logged"), ("password", "wrong " + Password)), Ct);
        await wrong.AssertProblemAsync(400);
        using var client = Client(refreshed["access_token"]!.GetValue<string>());
        await (await client.PostAsync("/v1/auth/revoke", Form(("token", refreshed["refresh_token"]!.GetValue<string>())), Ct)).AssertStatusAsync(401);

        var secrets = new[] { Password, Secret(signedIn), Secret(refreshed) };
        var lines = _server.Services.GetFakeLogCollector().GetSnapshot();
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var text = line.Message + " " + line.Exception + " " + string.Join(" ", line.StructuredState?.Select(p => p.Value) ?? []);
            Assert.All(secrets, s => Assert.DoesNotContain(s, text, StringComparison.Ordinal));
        }

        static string Secret(JsonNode answer) => answer["refresh_token"]!.GetValue<string>().Split('_', 4)[3];
    }

    private async Task<JsonNode> SignInAsync(string username)
    {
        using (var created = await _server.Http.PostAsync("/v1/users", ServerHost.Json(new JsonObject { ["username"] = username, ["password"] = Password, ["roles"] = new JsonArray("user") }), Ct))
        {
            if (created.StatusCode != System.Net.HttpStatusCode.Conflict)
            {
                await created.AssertJsonAsync(201);
            }
        }

        using var response = await _server.Anonymous.PostAsync(TokenEndpoint, Form(("grant_type", "password"), ("username", username), ("password", Password)), Ct);
        var answer = await response.AssertJsonAsync(200);
        Assert.StartsWith("aosr_default_", answer["refresh_token"]!.GetValue<string>(), StringComparison.Ordinal);
        return answer;
    }

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        _server.Anonymous.PostAsync(TokenEndpoint, Form(("grant_type", "refresh_token"), ("refresh_token", refreshToken)), Ct);

    private async Task<string> CreateKeyAsync(string role, string? tenant = null)
    {
        if (tenant is not null)
        {
            await _server.EnsureTenantAsync(tenant);
        }

        using var response = await _server.Http.PostAsync("/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = "test " + role, ["roles"] = new JsonArray(role), ["tenant"] = tenant }), Ct);
        return (await response.AssertJsonAsync(201))["secret"]!.GetValue<string>();
    }

    private HttpClient Client(string bearer)
    {
        var client = new HttpClient { BaseAddress = _server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
}
