using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Aos.Security;

namespace Aos.Server.Tests;

/// <summary>
/// State machines over HTTP across tenants: registered definitions and instances belong to a tenant, templates are shared, and the
/// actor recorded is the authenticated caller.
/// </summary>
public sealed partial class TenantIsolationTests
{
    [Fact]
    public async Task StateMachineInstances_OfAnotherTenant_DoNotExist_ForEveryInstanceRoute()
    {
        using var acme = await TenantAdminAsync("acme");
        var id = ServerHost.NewId("case");
        var none = ServerHost.NewId("case");
        await StartAsync(Server.Http, "decision", id);

        foreach (var (method, path, body) in InstanceRoutes("decision", id))
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : ServerHost.Json(body) };
            using var response = await acme.SendAsync(request, Ct);
            using var missingRequest = new HttpRequestMessage(method, path.Replace(id, none, StringComparison.Ordinal)) { Content = body is null ? null : ServerHost.Json(body) };
            using var missing = await acme.SendAsync(missingRequest, Ct);
            Assert.True((int)response.StatusCode == 404, $"{method} {path} answered {(int)response.StatusCode} to another tenant.");
            Assert.Equal((await missing.AssertProblemAsync(404)).Detail().Replace(none, id, StringComparison.Ordinal), (await response.AssertProblemAsync(404)).Detail());
        }

        var listed = await (await acme.GetAsync("/v1/state-machines/decision/instances?limit=1000", Ct)).AssertJsonAsync(200);
        Assert.DoesNotContain(listed["items"]!.AsArray(), i => i!["id"]!.GetValue<string>() == id);
        var home = await Server.GetJsonAsync($"/v1/state-machines/decision/instances/{id}");
        Assert.Equal(("pending", 0, 0), (home["state"]!.GetValue<string>(), home["history"]!.AsArray().Count, home["snapshots"]!.AsArray().Count));
    }

    [Fact]
    public async Task StateMachineDefinitions_RegisteredByATenant_AreItsOwn_AndTemplatesAreEveryones()
    {
        using var acme = await TenantAdminAsync("acme");
        var name = ServerHost.NewId("door");
        await (await acme.PostAsync("/v1/state-machines", ServerHost.Json(Door(name, "closed")), Ct)).AssertJsonAsync(201);
        await StartAsync(acme, name, "case-1");

        var acmeNames = await MachineNamesAsync(acme);
        var homeNames = await MachineNamesAsync(Server.Http);
        Assert.Contains(name, acmeNames);
        Assert.DoesNotContain(name, homeNames);
        Assert.Contains("decision", acmeNames);
        Assert.Contains("incident", acmeNames);
        Assert.Contains("decision", homeNames);
        Assert.Contains("incident", homeNames);
        await (await Server.Http.GetAsync($"/v1/state-machines/{name}", Ct)).AssertProblemAsync(404);
        await (await Server.Http.GetAsync($"/v1/state-machines/{name}/instances", Ct)).AssertProblemAsync(404);
        await (await Server.Http.PostAsync($"/v1/state-machines/{name}/instances", ServerHost.Json(new JsonObject { ["id"] = "case-1" }), Ct)).AssertProblemAsync(404);
        using var template = await acme.PostAsync("/v1/state-machines", ServerHost.Json(Door("decision", "closed")), Ct);
        Assert.Equal("name", (await template.AssertProblemAsync(400))["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task TwoTenants_EachRunTheirOwnCase1_OfTheirOwnMachineOfTheSameName()
    {
        using var acme = await TenantAdminAsync("acme");
        using var globex = await TenantAdminAsync("globex");
        var name = ServerHost.NewId("door");
        await (await acme.PostAsync("/v1/state-machines", ServerHost.Json(Door(name, "closed")), Ct)).AssertJsonAsync(201);
        await (await globex.PostAsync("/v1/state-machines", ServerHost.Json(Door(name, "shut")), Ct)).AssertJsonAsync(201);

        var acmeCase = await StartAsync(acme, name, "case-1");
        var globexCase = await StartAsync(globex, name, "case-1");
        using var opened = await acme.PostAsync($"/v1/state-machines/{name}/instances/case-1/events", ServerHost.Json(new JsonObject { ["event"] = "open" }), Ct);
        await opened.AssertJsonAsync(200);

        Assert.Equal(("closed", "acme", "case-1"), (acmeCase["state"]!.GetValue<string>(), acmeCase["tenant"]!.GetValue<string>(), acmeCase["id"]!.GetValue<string>()));
        Assert.Equal(("shut", "globex", "case-1"), (globexCase["state"]!.GetValue<string>(), globexCase["tenant"]!.GetValue<string>(), globexCase["id"]!.GetValue<string>()));
        Assert.Equal("open", (await (await acme.GetAsync($"/v1/state-machines/{name}/instances/case-1", Ct)).AssertJsonAsync(200))["state"]!.GetValue<string>());
        Assert.Equal("shut", (await (await globex.GetAsync($"/v1/state-machines/{name}/instances/case-1", Ct)).AssertJsonAsync(200))["state"]!.GetValue<string>());
        var listed = await (await globex.GetAsync($"/v1/state-machines/{name}/instances", Ct)).AssertJsonAsync(200);
        Assert.Equal(["shut"], listed["items"]!.AsArray().Select(i => i!["state"]!.GetValue<string>()));
    }

    [Fact]
    public async Task StateMachineActor_IsTheAuthenticatedCaller_AndAnotherActorInTheBodyIs400()
    {
        var (client, key) = await TenantKeyAsync("acme");
        using var acme = client;
        var agent = await RegisterAsync(Server.Http, "echo");
        using var asAgent = await AgentCredentialAsync(agent);
        var name = ServerHost.NewId("door");
        await (await acme.PostAsync("/v1/state-machines", ServerHost.Json(Door(name, "closed")), Ct)).AssertJsonAsync(201);
        var id = ServerHost.NewId("case");
        await StartAsync(acme, name, id);
        var path = $"/v1/state-machines/{name}/instances/{id}";

        using var claimed = await acme.PostAsync(path + "/events", ServerHost.Json(new JsonObject { ["event"] = "open", ["actor"] = "alice" }), Ct);
        using var claimedStart = await acme.PostAsync($"/v1/state-machines/{name}/instances", ServerHost.Json(new JsonObject { ["actor"] = "alice" }), Ct);
        using var claimedRollback = await acme.PostAsync(path + "/rollback", ServerHost.Json(new JsonObject { ["snapshot"] = "s1", ["actor"] = "alice" }), Ct);
        var refused = await claimed.AssertProblemAsync(400);
        Assert.Equal("actor", refused["field"]!.GetValue<string>());
        Assert.Contains("authenticated caller", refused.Detail(), StringComparison.Ordinal);
        Assert.Equal("actor", (await claimedStart.AssertProblemAsync(400))["field"]!.GetValue<string>());
        Assert.Equal("actor", (await claimedRollback.AssertProblemAsync(400))["field"]!.GetValue<string>());
        Assert.Empty((await (await acme.GetAsync(path, Ct)).AssertJsonAsync(200))["history"]!.AsArray());

        await (await acme.PostAsync(path + "/snapshots", null, Ct)).AssertJsonAsync(201);
        await (await acme.PostAsync(path + "/events", ServerHost.Json(new JsonObject { ["event"] = "open", ["actor"] = "api-key:" + key }), Ct)).AssertJsonAsync(200);
        var rolled = await (await acme.PostAsync(path + "/rollback", ServerHost.Json(new JsonObject { ["snapshot"] = "s1" }), Ct)).AssertJsonAsync(200);
        Assert.Equal(["api-key:" + key, "api-key:" + key], rolled["history"]!.AsArray().Select(h => h!["actor"]!.GetValue<string>()));

        var own = ServerHost.NewId("case");
        await StartAsync(asAgent, "incident", own);
        var acked = await (await asAgent.PostAsync($"/v1/state-machines/incident/instances/{own}/events", ServerHost.Json(new JsonObject { ["event"] = "acknowledge" }), Ct)).AssertJsonAsync(200);
        Assert.Equal("agent:" + agent, acked["history"]![0]!["actor"]!.GetValue<string>());
    }

    private static IEnumerable<(HttpMethod Method, string Path, JsonObject? Body)> InstanceRoutes(string machine, string id) =>
    [
        (HttpMethod.Get, $"/v1/state-machines/{machine}/instances/{id}", null),
        (HttpMethod.Post, $"/v1/state-machines/{machine}/instances/{id}/events", new JsonObject { ["event"] = "review" }),
        (HttpMethod.Post, $"/v1/state-machines/{machine}/instances/{id}/snapshots", null),
        (HttpMethod.Post, $"/v1/state-machines/{machine}/instances/{id}/rollback", new JsonObject { ["snapshot"] = "s1" }),
    ];

    private static JsonObject Door(string name, string initial) => new()
    {
        ["name"] = name,
        ["initialState"] = initial,
        ["states"] = new JsonArray(new JsonObject { ["name"] = initial }, new JsonObject { ["name"] = "open" }),
        ["transitions"] = new JsonArray(new JsonObject { ["from"] = initial, ["event"] = "open", ["to"] = "open" }),
    };

    private static async Task<JsonNode> StartAsync(HttpClient client, string machine, string id)
    {
        using var response = await client.PostAsync($"/v1/state-machines/{machine}/instances", ServerHost.Json(new JsonObject { ["id"] = id }), Ct);
        return await response.AssertJsonAsync(201);
    }

    private static async Task<List<string>> MachineNamesAsync(HttpClient client) =>
        [.. (await (await client.GetAsync("/v1/state-machines", Ct)).AssertJsonAsync(200)).AsArray().Select(m => m!["name"]!.GetValue<string>())];

    private async Task<(HttpClient Client, string KeyId)> TenantKeyAsync(string tenant)
    {
        await Server.EnsureTenantAsync(tenant);
        using var response = await Server.Http.PostAsync(
            "/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = "machine admin of " + tenant, ["roles"] = new JsonArray(AosRoles.Admin), ["tenant"] = tenant }), Ct);
        var created = await response.AssertJsonAsync(201);
        return (Bearer(created["secret"]!.GetValue<string>()), created["key"]!["id"]!.GetValue<string>());
    }

    private async Task<HttpClient> AgentCredentialAsync(string agent)
    {
        using var response = await Server.Http.PostAsync($"/v1/agents/{agent}/credentials", ServerHost.Json(new JsonObject()), Ct);
        return Bearer((await response.AssertJsonAsync(201))["secret"]!.GetValue<string>());
    }

    private HttpClient Bearer(string secret)
    {
        var client = new HttpClient { BaseAddress = Server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }
}
