using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Aos.Security;

namespace Aos.Server.Tests;

/// <summary>
/// Cross-tenant isolation over HTTP, for every resource kind that carries a tenant: a principal of one tenant sees nothing of another's
/// agents, messages, dead letters, conversations, approvals, state machines, workflows and workflow runs, API keys and users, and reaches
/// none of its agents; what is installation-wide (backups) stays out of reach of other tenants altogether.
/// </summary>
public sealed partial class TenantIsolationTests(ServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServerHost Server => fixture.Server;

    [Fact]
    public async Task Agents_OfAnotherTenant_DoNotExist_ForEveryAgentRoute()
    {
        using var acme = await TenantAdminAsync("acme");
        var home = await Server.RegisterAsync("echo");
        var own = await RegisterAsync(acme, "echo");

        var listed = (await (await acme.GetAsync("/v1/agents?limit=1000", Ct)).AssertJsonAsync(200))["items"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(own, listed);
        Assert.DoesNotContain(home, listed);
        Assert.Equal("acme", (await (await acme.GetAsync($"/v1/agents/{own}", Ct)).AssertJsonAsync(200))["tenant"]!.GetValue<string>());

        foreach (var (method, path, body) in AgentRoutes(home))
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : ServerHost.Json(body) };
            using var response = await acme.SendAsync(request, Ct);
            Assert.True((int)response.StatusCode == 404, $"{method} {path} answered {(int)response.StatusCode} to another tenant.");
            Assert.DoesNotContain("acme", (await response.AssertProblemAsync(404)).Detail(), StringComparison.Ordinal);
        }

        (await (await Server.Http.GetAsync($"/v1/agents/{home}", Ct)).AssertJsonAsync(200)).AsObject();
        await (await Server.Http.GetAsync($"/v1/agents/{own}", Ct)).AssertProblemAsync(404);
        var homeList = (await (await Server.Http.GetAsync("/v1/agents?limit=1000", Ct)).AssertJsonAsync(200))["items"]!.AsArray();
        Assert.DoesNotContain(homeList, a => a!["id"]!.GetValue<string>() == own);
    }

    [Fact]
    public async Task Messages_DeadLettersAndConversations_OfAnotherTenant_AreInvisible()
    {
        using var acme = await TenantAdminAsync("acme");
        var home = await Server.RegisterAsync("echo");
        var own = await RegisterAsync(acme, "echo");
        var conversation = "deal-" + Guid.NewGuid().ToString("N");

        var homeMessage = await PostAsync(Server.Http, $"/v1/agents/{home}/messages", new JsonObject { ["type"] = "ping", ["conversationId"] = conversation });
        var acmeMessage = await PostAsync(acme, $"/v1/agents/{own}/messages", new JsonObject { ["type"] = "ping", ["conversationId"] = conversation });
        var crossing = await PostAsync(acme, $"/v1/agents/{home}/messages", new JsonObject { ["type"] = "ping" });

        await (await acme.GetAsync($"/v1/messages/{homeMessage}", Ct)).AssertProblemAsync(404);
        await (await Server.Http.GetAsync($"/v1/messages/{acmeMessage}", Ct)).AssertProblemAsync(404);
        await (await acme.PostAsync($"/v1/dead-letters/{homeMessage}/replay", null, Ct)).AssertProblemAsync(404);
        await (await acme.DeleteAsync($"/v1/dead-letters/{homeMessage}", Ct)).AssertProblemAsync(404);

        // A message to another tenant's agent is accepted like one to an agent that does not exist, and dead-lettered the same way.
        var crossed = await (await acme.GetAsync($"/v1/messages/{crossing}?waitMs=30000", Ct)).AssertJsonAsync(200);
        Assert.Equal("dead-lettered", crossed["deliveries"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("target-not-found", crossed["deliveries"]![0]!["reason"]!.GetValue<string>());

        // The id the other tenant used for this agent is taken: its own tenant's sender hears so, rather than "duplicate".
        using var taken = await Server.Http.PostAsync($"/v1/agents/{home}/messages", ServerHost.Json(new JsonObject { ["id"] = crossing, ["type"] = "ping" }), Ct);
        Assert.Contains($"Message id '{crossing}' is already taken", (await taken.AssertProblemAsync(409)).Detail(), StringComparison.Ordinal);
        await (await Server.Http.GetAsync($"/v1/messages/{crossing}", Ct)).AssertProblemAsync(404);
        var homeDeadLetters = (await (await Server.Http.GetAsync("/v1/dead-letters?limit=1000", Ct)).AssertJsonAsync(200))["items"]!.AsArray();
        Assert.DoesNotContain(homeDeadLetters, d => d!["id"]!.GetValue<string>() == crossing);
        var acmeDeadLetters = (await (await acme.GetAsync("/v1/dead-letters?limit=1000", Ct)).AssertJsonAsync(200))["items"]!.AsArray();
        Assert.Contains(acmeDeadLetters, d => d!["id"]!.GetValue<string>() == crossing);

        var homeConversation = await (await Server.Http.GetAsync($"/v1/conversations/{conversation}", Ct)).AssertJsonAsync(200);
        var acmeConversation = await (await acme.GetAsync($"/v1/conversations/{conversation}", Ct)).AssertJsonAsync(200);
        Assert.Equal([homeMessage], homeConversation["messages"]!.AsArray().Select(m => m!["messageId"]!.GetValue<string>()));
        Assert.Equal([acmeMessage], acmeConversation["messages"]!.AsArray().Select(m => m!["messageId"]!.GetValue<string>()));
        Assert.Equal(conversation, acmeConversation["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task TopicsAndBroadcasts_ReachOnlyTheCallersTenant()
    {
        using var acme = await TenantAdminAsync("acme");
        var topic = "iso." + Guid.NewGuid().ToString("N");
        var prefix = "iso-" + Guid.NewGuid().ToString("N")[..8];
        var home = await Server.RegisterAsync("echo", prefix + "-home");
        await (await Server.Http.PostAsync($"/v1/agents/{home}/subscriptions", ServerHost.Json(new JsonObject { ["pattern"] = topic }), Ct)).AssertJsonAsync(201);
        var own = await RegisterAsync(acme, "echo", prefix + "-acme");
        await (await acme.PostAsync($"/v1/agents/{own}/subscriptions", ServerHost.Json(new JsonObject { ["pattern"] = topic }), Ct)).AssertJsonAsync(201);

        var published = await (await acme.PostAsync($"/v1/topics/{topic}/messages", ServerHost.Json(new JsonObject { ["type"] = "news" }), Ct)).AssertJsonAsync(202);
        var broadcast = await (await acme.PostAsync("/v1/broadcasts", ServerHost.Json(new JsonObject { ["type"] = "all", ["prefix"] = prefix }), Ct)).AssertJsonAsync(202);

        Assert.Equal([own], published["recipients"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal([own], broadcast["recipients"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task Grants_AreReadAndReplacedOnTheAgentResource_AndValidated()
    {
        using var acme = await TenantAdminAsync("acme");
        var own = await RegisterAsync(acme, "echo");

        Assert.Empty((await (await acme.GetAsync($"/v1/agents/{own}/grants", Ct)).AssertJsonAsync(200))["agents"]!.AsArray());
        var set = await (await acme.PutAsync($"/v1/agents/{own}/grants", ServerHost.Json(new JsonObject { ["agents"] = new JsonArray("billing", "ops-*"), ["topics"] = new JsonArray("orders.>"), ["stores"] = new JsonArray("ledger") }), Ct)).AssertJsonAsync(200);
        var bad = await (await acme.PutAsync($"/v1/agents/{own}/grants", ServerHost.Json(new JsonObject { ["topics"] = new JsonArray("orders.>.x") }), Ct)).AssertProblemAsync(400);
        var badStore = await (await acme.PutAsync($"/v1/agents/{own}/grants", ServerHost.Json(new JsonObject { ["stores"] = new JsonArray("Ledger!") }), Ct)).AssertProblemAsync(400);

        Assert.Equal(["billing", "ops-*"], set["agents"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains("orders.>.x", bad.Detail(), StringComparison.Ordinal);
        var view = await (await acme.GetAsync($"/v1/agents/{own}", Ct)).AssertJsonAsync(200);
        Assert.Equal(["orders.>"], view["grants"]!["topics"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["ledger"], view["grants"]!["stores"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("grants.stores", badStore["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task KeysAndUsers_OfAnotherTenant_AreNotListed()
    {
        using var acme = await TenantAdminAsync("acme");

        var keys = (await (await acme.GetAsync("/v1/api-keys", Ct)).AssertJsonAsync(200))["items"]!.AsArray();
        var users = (await (await acme.GetAsync("/v1/users", Ct)).AssertJsonAsync(200))["items"]!.AsArray();

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.Equal("acme", k!["tenant"]!.GetValue<string>()));
        Assert.All(users, u => Assert.Equal("acme", u!["tenant"]!.GetValue<string>()));
    }

    [Fact]
    public async Task InstallationWideActions_AreOutOfReachOfAnotherTenantsAdmin()
    {
        using var acme = await TenantAdminAsync("acme");

        // An admin may take backups in the default tenant; a backup holds every tenant's data, so an admin of another tenant may not.
        using var backup = await acme.PostAsync("/v1/backups", ServerHost.Json(new JsonObject { ["directory"] = "/tmp/never-written" }), Ct);
        using var tenants = await acme.GetAsync("/v1/tenants", Ct);

        Assert.Contains("in this tenant", (await backup.AssertProblemAsync(403)).Detail(), StringComparison.Ordinal);
        await tenants.AssertProblemAsync(403);
        Assert.False(Directory.Exists("/tmp/never-written"));
    }

    private static IEnumerable<(HttpMethod Method, string Path, JsonObject? Body)> AgentRoutes(string id) =>
    [
        (HttpMethod.Get, $"/v1/agents/{id}", null),
        (HttpMethod.Get, $"/v1/agents/{id}/context", null),
        (HttpMethod.Get, $"/v1/agents/{id}/grants", null),
        (HttpMethod.Put, $"/v1/agents/{id}/grants", new JsonObject { ["agents"] = new JsonArray("*") }),
        (HttpMethod.Post, $"/v1/agents/{id}/events", new JsonObject { ["type"] = "ping" }),
        (HttpMethod.Post, $"/v1/agents/{id}/requests", new JsonObject { ["type"] = "ping" }),
        (HttpMethod.Post, $"/v1/agents/{id}/subscriptions", new JsonObject { ["pattern"] = "x.y" }),
        (HttpMethod.Delete, $"/v1/agents/{id}/subscriptions?pattern=x.y", null),
        (HttpMethod.Delete, $"/v1/agents/{id}", null),
    ];

    private async Task<HttpClient> TenantAdminAsync(string tenant)
    {
        await Server.EnsureTenantAsync(tenant);
        using var response = await Server.Http.PostAsync(
            "/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = "admin of " + tenant, ["roles"] = new JsonArray(AosRoles.Admin), ["tenant"] = tenant }), Ct);
        var secret = (await response.AssertJsonAsync(201))["secret"]!.GetValue<string>();
        var client = new HttpClient { BaseAddress = Server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private static async Task<string> RegisterAsync(HttpClient client, string type, string? id = null)
    {
        id ??= type + "-" + Guid.NewGuid().ToString("N");
        using var response = await client.PostAsync("/v1/agents", ServerHost.Json(new JsonObject { ["id"] = id, ["type"] = type }), Ct);
        await response.AssertJsonAsync(201);
        return id;
    }

    private static async Task<string> PostAsync(HttpClient client, string path, JsonObject body)
    {
        using var response = await client.PostAsync(path, ServerHost.Json(body), Ct);
        return (await response.AssertJsonAsync(202))["id"]!.GetValue<string>();
    }
}
