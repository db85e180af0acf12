using System.Text.Json.Nodes;
using Aos.Kernel.Approvals;
using Aos.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Server.Tests;

/// <summary>Workflows and their runs belong to a tenant: names, runs, and what a run does (messages, approvals) stay in it.</summary>
public sealed partial class TenantIsolationTests
{
    private const int WaitMs = 20_000;

    [Fact]
    public async Task Workflows_OfAnotherTenant_DoNotExist_ForEveryWorkflowRoute()
    {
        using var acme = await TenantAdminAsync("acme");
        var name = ServerHost.NewId("iso-wf");
        var run = ServerHost.NewId("iso-run");
        await RegisterWorkflowAsync(Server.Http, WaitForSignal(name), 201);
        await StartRunAsync(Server.Http, name, run);

        var names = (await (await acme.GetAsync("/v1/workflows", Ct)).AssertJsonAsync(200)).AsArray().Select(n => n!.GetValue<string>());
        Assert.DoesNotContain(name, names);
        Assert.DoesNotContain(run, RunIds(await (await acme.GetAsync("/v1/workflow-runs?limit=1000", Ct)).AssertJsonAsync(200)));
        Assert.Empty(RunIds(await (await acme.GetAsync($"/v1/workflow-runs?workflow={name}", Ct)).AssertJsonAsync(200)));
        foreach (var (method, path, body) in WorkflowRoutes(name, run))
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : ServerHost.Json(body) };
            using var response = await acme.SendAsync(request, Ct);
            Assert.True((int)response.StatusCode == 404, $"{method} {path} answered {(int)response.StatusCode} to another tenant.");
            Assert.DoesNotContain("acme", (await response.AssertProblemAsync(404)).Detail(), StringComparison.Ordinal);
        }

        // The name is free in the tenant; the run id is not, and the refusal does not describe the run that holds it.
        await RegisterWorkflowAsync(acme, WaitForSignal(name), 201);
        using var taken = await acme.PostAsync("/v1/workflow-runs", ServerHost.Json(new JsonObject { ["workflow"] = name, ["id"] = run }), Ct);
        var refusal = (await taken.AssertProblemAsync(409)).Detail();
        Assert.Contains("the run id", refusal, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(AosDefaultTenant, refusal, StringComparison.Ordinal);

        var home = await (await Server.Http.GetAsync($"/v1/workflow-runs/{run}", Ct)).AssertJsonAsync(200);
        Assert.Equal(("running", AosDefaultTenant), (home["status"]!.GetValue<string>(), home["tenant"]!.GetValue<string>()));
        Assert.Contains(run, RunIds(await (await Server.Http.GetAsync($"/v1/workflow-runs?workflow={name}", Ct)).AssertJsonAsync(200)));
        await (await Server.Http.PostAsync($"/v1/workflow-runs/{run}/cancel", null, Ct)).AssertJsonAsync(200);
    }

    [Fact]
    public async Task SameWorkflowName_InTwoTenants_IsTwoWorkflows_AndEachTenantRunsItsOwn()
    {
        using var acme = await TenantAdminAsync("acme");
        var name = ServerHost.NewId("twin");
        var topic = "iso." + Guid.NewGuid().ToString("N");
        var listener = await Server.RegisterAsync("echo");
        await (await Server.Http.PostAsync($"/v1/agents/{listener}/subscriptions", ServerHost.Json(new JsonObject { ["pattern"] = topic }), Ct)).AssertJsonAsync(201);
        await RegisterWorkflowAsync(Server.Http, Workflow(name, new JsonObject { ["id"] = "home", ["kind"] = "publish", ["input"] = new JsonObject { ["topic"] = topic } }), 201);
        await RegisterWorkflowAsync(acme, Workflow(name, new JsonObject { ["id"] = "acme", ["kind"] = "publish", ["input"] = new JsonObject { ["topic"] = topic } }), 201);

        var homeRun = await StartRunAsync(Server.Http, name, wait: true);
        var acmeRun = await StartRunAsync(acme, name, wait: true);

        Assert.Equal(["home"], StepIds((await (await Server.Http.GetAsync($"/v1/workflows/{name}", Ct)).AssertJsonAsync(200))["definition"]!));
        Assert.Equal(["acme"], StepIds((await (await acme.GetAsync($"/v1/workflows/{name}", Ct)).AssertJsonAsync(200))["definition"]!));
        Assert.Equal(("completed", AosDefaultTenant, name), (homeRun["status"]!.GetValue<string>(), homeRun["tenant"]!.GetValue<string>(), homeRun["workflow"]!.GetValue<string>()));
        Assert.Equal(("completed", "acme", name), (acmeRun["status"]!.GetValue<string>(), acmeRun["tenant"]!.GetValue<string>(), acmeRun["workflow"]!.GetValue<string>()));
        Assert.Equal(["home"], StepIds(homeRun));
        Assert.Equal(["acme"], StepIds(acmeRun));

        // Each run published in its own tenant: only the home run's message reached the home subscriber.
        Assert.Equal(1, homeRun["steps"]![0]!["result"]!["recipients"]!.GetValue<int>());
        Assert.Equal(0, acmeRun["steps"]![0]!["result"]!["recipients"]!.GetValue<int>());
        Assert.Equal([acmeRun["id"]!.GetValue<string>()], RunIds(await (await acme.GetAsync($"/v1/workflow-runs?workflow={name}", Ct)).AssertJsonAsync(200)));
        Assert.Equal([homeRun["id"]!.GetValue<string>()], RunIds(await (await Server.Http.GetAsync($"/v1/workflow-runs?workflow={name}", Ct)).AssertJsonAsync(200)));
    }

    [Fact]
    public async Task AgentStep_OfARun_ReachesOnlyTheAgentsOfTheRunsTenant()
    {
        using var acme = await TenantAdminAsync("acme");
        var home = await Server.RegisterAsync("echo");
        var own = await RegisterAsync(acme, "echo");
        var name = ServerHost.NewId("ask");
        await RegisterWorkflowAsync(Server.Http, Ask(name, home), 201);
        await RegisterWorkflowAsync(acme, Ask(name, home), 201);
        await RegisterWorkflowAsync(acme, Ask(name + "-own", own), 201);

        var crossing = await StartRunAsync(acme, name, wait: true);
        var inHome = await StartRunAsync(Server.Http, name, wait: true);
        var inAcme = await StartRunAsync(acme, name + "-own", wait: true);

        // Another tenant's agent is no agent at all to the step: the same failure as for an agent that does not exist.
        Assert.Equal("failed", crossing["status"]!.GetValue<string>());
        Assert.Equal($"there is no agent '{home}'; register it, or fix the step's 'agent'.", crossing["steps"]![0]!["error"]!.GetValue<string>());
        Assert.Equal("completed", inHome["status"]!.GetValue<string>());
        Assert.Equal("completed", inAcme["status"]!.GetValue<string>());
        Assert.Equal("echo", inAcme["steps"]![0]!["result"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task ApprovalStep_OfARun_AsksForAnApprovalOfTheRunsTenant()
    {
        using var acme = await TenantAdminAsync("acme");
        var name = ServerHost.NewId("budget");
        var run = ServerHost.NewId("budget-run");
        await RegisterWorkflowAsync(acme, Workflow(name, new JsonObject
        {
            ["id"] = "review",
            ["kind"] = "approval",
            ["input"] = new JsonObject { ["title"] = "Budget 2027", ["approvers"] = new JsonArray("role:finance"), ["timeout"] = "2d" },
        }), 201);
        await StartRunAsync(acme, name, run);

        var approval = await Server.Services.GetRequiredService<ApprovalClient>().WaitForRequestAsync(run + ".review.1", "acme");

        Assert.Equal(("acme", "Budget 2027"), (approval.Tenant, approval.Title));
        await (await acme.GetAsync($"/v1/approvals/{approval.Id}", Ct)).AssertJsonAsync(200);
        await (await Server.Http.GetAsync($"/v1/approvals/{approval.Id}", Ct)).AssertProblemAsync(404);
        await (await acme.PostAsync($"/v1/workflow-runs/{run}/cancel", null, Ct)).AssertJsonAsync(200);
    }

    private const string AosDefaultTenant = Aos.Security.AosTenants.Default;

    private static IEnumerable<(HttpMethod Method, string Path, JsonObject? Body)> WorkflowRoutes(string name, string run) =>
    [
        (HttpMethod.Get, $"/v1/workflows/{name}", null),
        (HttpMethod.Post, "/v1/workflow-runs", new JsonObject { ["workflow"] = name }),
        (HttpMethod.Get, $"/v1/workflow-runs/{run}", null),
        (HttpMethod.Get, $"/v1/workflow-runs/{run}?waitMs={WaitMs}", null),
        (HttpMethod.Post, $"/v1/workflow-runs/{run}/signals/go", new JsonObject { ["ok"] = true }),
        (HttpMethod.Post, $"/v1/workflow-runs/{run}/cancel", null),
    ];

    private static JsonObject Workflow(string name, params JsonObject[] steps) => new() { ["name"] = name, ["steps"] = new JsonArray(steps) };

    private static JsonObject WaitForSignal(string name) =>
        Workflow(name, new JsonObject { ["id"] = "hold", ["kind"] = "signal", ["input"] = new JsonObject { ["name"] = "go" } });

    private static JsonObject Ask(string name, string agent) =>
        Workflow(name, new JsonObject { ["id"] = "ask", ["kind"] = "agent-request", ["input"] = new JsonObject { ["agent"] = agent, ["type"] = "ping" } });

    private static async Task RegisterWorkflowAsync(HttpClient client, JsonObject definition, int status)
    {
        using var response = await client.PostAsync("/v1/workflows", ServerHost.Json(definition), Ct);
        await response.AssertJsonAsync(status);
    }

    private static async Task<JsonNode> StartRunAsync(HttpClient client, string workflow, string? id = null, bool wait = false)
    {
        var body = new JsonObject { ["workflow"] = workflow, ["id"] = id };
        if (wait)
        {
            body["waitMs"] = WaitMs;
        }

        using var response = await client.PostAsync("/v1/workflow-runs", ServerHost.Json(body), Ct);
        return await response.AssertJsonAsync(201);
    }

    private static string[] RunIds(JsonNode list) => [.. list["items"]!.AsArray().Select(r => r!["id"]!.GetValue<string>())];

    private static string[] StepIds(JsonNode runOrDefinition) => [.. runOrDefinition["steps"]!.AsArray().Select(s => s!["id"]!.GetValue<string>())];
}
