using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Aos.Server.Tests;

/// <summary>An agent's credential: requests with it act as the agent, within the agent's grants and tenant, and carry its id as the source.</summary>
public sealed class AgentCredentialTests(ServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServerHost Server => fixture.Server;

    [Fact]
    public async Task Credential_ActsAsTheAgent_OnlyWithinItsGrants()
    {
        var allowed = await Server.RegisterAsync("echo");
        var outside = await Server.RegisterAsync("echo");
        var agent = await Server.RegisterAsync("echo");
        await (await Server.Http.PutAsync(
            $"/v1/agents/{agent}/grants", ServerHost.Json(new JsonObject { ["agents"] = new JsonArray(allowed), ["topics"] = new JsonArray("reports.>") }), Ct)).AssertJsonAsync(200);
        using var created = await Server.Http.PostAsync($"/v1/agents/{agent}/credentials", ServerHost.Json(new JsonObject()), Ct);
        var credential = await created.AssertJsonAsync(201);
        Assert.Equal(agent, credential["key"]!["agent"]!.GetValue<string>());
        using var asAgent = Client(credential["secret"]!.GetValue<string>());

        var sent = await (await asAgent.PostAsync($"/v1/agents/{allowed}/messages", ServerHost.Json(new JsonObject { ["type"] = "ping", ["source"] = "someone-else" }), Ct)).AssertJsonAsync(202);
        var published = await asAgent.PostAsync("/v1/topics/reports.daily/messages", ServerHost.Json(new JsonObject { ["type"] = "report" }), Ct);
        var message = await (await Server.Http.GetAsync($"/v1/messages/{sent["id"]!.GetValue<string>()}", Ct)).AssertJsonAsync(200);

        Assert.Equal(agent, message["source"]!.GetValue<string>());
        await published.AssertJsonAsync(202);
        foreach (var (path, body, refused) in new (string, JsonObject, string)[]
        {
            ($"/v1/agents/{outside}/messages", new() { ["type"] = "ping" }, $"may not send to agent '{outside}'"),
            ($"/v1/agents/{outside}/events", new() { ["type"] = "ping" }, $"may not send to agent '{outside}'"),
            ($"/v1/agents/{outside}/requests", new() { ["type"] = "ping" }, $"may not send a request to agent '{outside}'"),
            ("/v1/topics/secrets.payroll/messages", new() { ["type"] = "leak" }, "may not publish on topic 'secrets.payroll'"),
            ("/v1/broadcasts", new() { ["type"] = "all" }, "may not broadcast"),
        })
        {
            var problem = await (await asAgent.PostAsync(path, ServerHost.Json(body), Ct)).AssertProblemAsync(403);
            Assert.Contains(refused, problem.Detail(), StringComparison.Ordinal);
            Assert.Contains($"PUT /v1/agents/{agent}/grants", problem.Detail(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Credential_NeverLeavesTheAgentsTenant_AndDiesWithTheAgent()
    {
        var agent = await Server.RegisterAsync("echo");
        var target = await Server.RegisterAsync("echo");
        await (await Server.Http.PutAsync($"/v1/agents/{agent}/grants", ServerHost.Json(new JsonObject { ["agents"] = new JsonArray("*") }), Ct)).AssertJsonAsync(200);
        var secret = (await (await Server.Http.PostAsync($"/v1/agents/{agent}/credentials", ServerHost.Json(new JsonObject()), Ct)).AssertJsonAsync(201))["secret"]!.GetValue<string>();
        var tenant = await Server.CreateTenantAsync();
        using var elsewhere = Client(secret);
        elsewhere.DefaultRequestHeaders.Add("X-Aos-Tenant", tenant);

        await (await elsewhere.GetAsync("/v1/agents", Ct)).AssertProblemAsync(403);
        await (await Server.Http.DeleteAsync($"/v1/agents/{agent}", Ct)).AssertStatusAsync(204);
        using var orphan = Client(secret);
        var refused = await (await orphan.PostAsync($"/v1/agents/{target}/messages", ServerHost.Json(new JsonObject { ["type"] = "ping" }), Ct)).AssertProblemAsync(401);

        Assert.Contains("revoked", refused.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credential_IsRevokedWithItsAgent_AndDoesNotSpeakForAnAgentRegisteredAgainWithTheSameId()
    {
        var agent = await Server.RegisterAsync("echo");
        var target = await Server.RegisterAsync("echo");
        await (await Server.Http.PutAsync($"/v1/agents/{agent}/grants", ServerHost.Json(new JsonObject { ["agents"] = new JsonArray("*") }), Ct)).AssertJsonAsync(200);
        var created = await (await Server.Http.PostAsync($"/v1/agents/{agent}/credentials", ServerHost.Json(new JsonObject()), Ct)).AssertJsonAsync(201);
        var keyId = created["key"]!["id"]!.GetValue<string>();
        using var asAgent = Client(created["secret"]!.GetValue<string>());
        await (await asAgent.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);

        await (await Server.Http.DeleteAsync($"/v1/agents/{agent}", Ct)).AssertStatusAsync(204);
        await Server.RegisterAsync("echo", agent);
        await (await Server.Http.PutAsync($"/v1/agents/{agent}/grants", ServerHost.Json(new JsonObject { ["agents"] = new JsonArray("*") }), Ct)).AssertJsonAsync(200);

        // Neither its role's reads nor the new agent's grants are open to it: the key no longer authenticates.
        await (await asAgent.GetAsync("/v1/agents", Ct)).AssertProblemAsync(401);
        await (await asAgent.PostAsync($"/v1/agents/{target}/messages", ServerHost.Json(new JsonObject { ["type"] = "ping" }), Ct)).AssertProblemAsync(401);
        var listed = await (await Server.Http.GetAsync($"/v1/api-keys/{keyId}", Ct)).AssertJsonAsync(200);
        Assert.NotNull(listed["revokedAt"]);
    }

    [Fact]
    public async Task Credential_ForAnAgentOfAnotherTenant_IsNotFound()
    {
        var agent = await Server.RegisterAsync("echo");
        var tenant = await Server.CreateTenantAsync();
        using var foreign = Server.Client(Server.ApiKey, tenant);

        await (await foreign.PostAsync($"/v1/agents/{agent}/credentials", ServerHost.Json(new JsonObject()), Ct)).AssertProblemAsync(404);
    }

    private HttpClient Client(string secret)
    {
        var client = new HttpClient { BaseAddress = Server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }
}
