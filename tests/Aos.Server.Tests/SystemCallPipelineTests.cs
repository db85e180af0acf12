using System.Net;
using System.Text.Json.Nodes;
using Aos.Approvals;
using Aos.Governance.Audit;
using Aos.Governance.SystemCalls;
using Aos.Hosting;
using Aos.Kernel.Approvals;
using Aos.Kernel.Workflows;
using Aos.Server.SystemCalls;
using Aos.SystemCalls;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Server.Tests;

/// <summary>Proves that every system call passes the pipeline: it is audited with its outcome and decided by policy.</summary>
public sealed class SystemCallPipelineTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServerHost _server = null!;

    public async ValueTask InitializeAsync() =>
        _server = await ServerHost.StartAsync(configure: aos =>
        {
            aos.Services.AddSingleton<SlowGates>();
            aos.AddAgent<SlowAgent>();
            aos.AddAgent<EveryCallAgent>();
            aos.Services.Configure<SystemCallGovernanceOptions>(o =>
            {
                o.WaitForAudit = true;
                o.HoldWait = TimeSpan.Zero;
            });
            aos.Services.Configure<WorkflowOptions>(o => o.HoldCheckInterval = TimeSpan.FromMilliseconds(100));
        });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void EveryChangingRoute_HasASystemCallName()
    {
        var unnamed = _server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(HttpSystemCalls.IsSystemCall)
            .Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? e.DisplayName ?? "?")
            .Where(name => !HttpSystemCalls.Actions.ContainsKey(name))
            .ToList();

        Assert.Empty(unnamed);
    }

    [Fact]
    public async Task EveryAgentSystemCall_IsAuditedAndPolicyChecked()
    {
        var peer = await _server.RegisterAsync("slow");
        var id = await RegisterEveryCallAgentAsync();
        using (var sent = await _server.Http.PostAsync($"/v1/agents/{id}/events", ServerHost.Json(new JsonObject { ["type"] = "do", ["payload"] = peer }), Ct))
        {
            Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync(Ct));
        }

        var entries = await EntriesAsync(actor: "agent:" + id);
        foreach (var action in SystemCallNames.AgentCalls)
        {
            var entry = Assert.Single(entries, e => e.Action == action && e.Outcome == SystemCallOutcomes.Succeeded);
            var context = JsonNode.Parse(entry.Context)!;
            Assert.Equal("allow", context["policy"]!["effect"]!.GetValue<string>());
            Assert.Equal(id, context["agent"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task EveryChangingRoute_IsAuditedAndPolicyChecked()
    {
        // A policy that denies every call of one API key: each changing route it reaches must be refused by policy and audited.
        var key = await CreateKeyAsync("superuser");
        await PutPolicyAsync("deny-key", $"name: deny-key\nrules:\n  - {{ id: nothing, effect: deny, when: {{ actor: '{key.Principal}' }} }}\n");
        using var client = new HttpClient { BaseAddress = _server.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key.Secret);

        var routes = _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(HttpSystemCalls.IsSystemCall)
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>() is not null)
            .ToList();
        Assert.NotEmpty(routes);
        var reached = new List<string>();
        foreach (var route in routes)
        {
            var method = route.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods[0];
            var path = "/" + string.Join('/', route.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p is Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l ? l.Content : "x1"))));
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = ServerHost.Json("{}") };
            using var response = await client.SendAsync(request, Ct);
            var name = route.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName;

            // A body the route cannot bind is refused before any handler runs (400); everything else reaches the pipeline.
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} ({name}) answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
            reached.Add(HttpSystemCalls.ActionOf(name));
        }

        var denied = (await EntriesAsync(actor: key.Principal)).Where(e => e.Outcome == SystemCallOutcomes.Denied).Select(e => e.Action).ToHashSet();
        Assert.All(reached, action => Assert.Contains(action, denied));
        Assert.True(reached.Count >= routes.Count / 2, $"only {reached.Count} of {routes.Count} changing routes bound an empty body");
    }

    [Fact]
    public async Task MessagingCalls_NameTheSameResource_FromAnAgentAndOverHttp()
    {
        var peer = await _server.RegisterAsync("slow");
        var id = await RegisterEveryCallAgentAsync();
        using (var sent = await _server.Http.PostAsync($"/v1/agents/{id}/events", ServerHost.Json(new JsonObject { ["type"] = "do", ["payload"] = peer }), Ct))
        {
            Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync(Ct));
        }

        // The same calls through the HTTP API, by an operator.
        var requests = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Post, $"/v1/agents/{peer}/messages", """{"type":"ping"}"""),
            (HttpMethod.Post, $"/v1/agents/{peer}/events", """{"type":"ping"}"""),
            (HttpMethod.Post, $"/v1/agents/{peer}/requests", """{"type":"ping"}"""),
            (HttpMethod.Post, "/v1/topics/audit.test/messages", """{"type":"noop"}"""),
            (HttpMethod.Post, "/v1/broadcasts", """{"type":"noop","prefix":"nobody-"}"""),
            (HttpMethod.Post, $"/v1/agents/{id}/subscriptions", """{"pattern":"audit.other"}"""),
            (HttpMethod.Delete, $"/v1/agents/{id}/subscriptions?pattern=audit.other", null),
        };
        foreach (var (method, path, body) in requests)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : ServerHost.Json(body) };
            using var response = await _server.Http.SendAsync(request, Ct);
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        }

        var expected = new (string Action, string Resource)[]
        {
            (SystemCallNames.MessageSend, "agent:" + peer),
            (SystemCallNames.MessageRequest, "agent:" + peer),
            (SystemCallNames.MessagePublish, "topic:audit.test"),
            (SystemCallNames.MessageBroadcast, "agents:nobody-*"),
            (SystemCallNames.SubscriptionAdd, "topic:audit.other"),
            (SystemCallNames.SubscriptionRemove, "topic:audit.other"),
        };
        foreach (var (action, resource) in expected)
        {
            var entries = (await EntriesAsync(resource: resource)).Where(e => e.Action == action && e.Outcome == SystemCallOutcomes.Succeeded).ToList();
            Assert.Contains(entries, e => e.Actor == "agent:" + id);
            Assert.Contains(entries, e => !e.Actor.StartsWith("agent:", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task OnePolicyRule_DeniesASend_FromAnAgentAndOverHttpAlike()
    {
        var peer = await _server.RegisterAsync("slow");
        var id = await RegisterEveryCallAgentAsync();
        var policy = "guard-" + Guid.NewGuid().ToString("N")[..8];
        await PutPolicyAsync(policy, $"name: {policy}\nrules:\n  - {{ id: hands-off, effect: deny, when: {{ action: message.send, resource: 'agent:{peer}' }} }}\n");

        using var overHttp = await _server.Http.PostAsync($"/v1/agents/{peer}/messages", ServerHost.Json("""{"type":"ping"}"""), Ct);
        using var asEvent = await _server.Http.PostAsync($"/v1/agents/{peer}/events", ServerHost.Json("""{"type":"ping"}"""), Ct);
        using var byAgent = await _server.Http.PostAsync($"/v1/agents/{id}/events", ServerHost.Json(new JsonObject { ["type"] = "do", ["payload"] = peer }), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, overHttp.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asEvent.StatusCode);
        Assert.Contains("hands-off", await overHttp.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var denied = (await EntriesAsync(resource: "agent:" + peer)).Where(e => e.Outcome == SystemCallOutcomes.Denied).ToList();
        Assert.Equal(2, denied.Count(e => !e.Actor.StartsWith("agent:", StringComparison.Ordinal)));
        Assert.Contains(denied, e => e.Actor == "agent:" + id);
        Assert.All(denied, e => Assert.Equal("hands-off", JsonNode.Parse(e.Context)!["policy"]!["rule"]!.GetValue<string>()));
        Assert.Empty((await _server.GetJsonAsync($"/v1/agents/{peer}/context"))["history"]!.AsArray());
        await DeletePolicyAsync(policy);
    }

    [Fact]
    public async Task ForbiddenRoute_IsAuditedAsDenied()
    {
        var key = await CreateKeyAsync("guest");
        using var client = new HttpClient { BaseAddress = _server.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key.Secret);

        using var response = await client.PostAsync("/v1/agents", ServerHost.Json("""{"id":"nope","type":"slow"}"""), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var entry = Assert.Single(await EntriesAsync(actor: key.Principal), e => e.Action == "agent.register");
        Assert.Equal(SystemCallOutcomes.Denied, entry.Outcome);
        Assert.Equal(AuditLevel.Warning, entry.Level);
    }

    [Fact]
    public async Task Redact_RemovesFieldsBeforeTheMessageIsStored()
    {
        var agent = await _server.RegisterAsync("slow");
        await PutPolicyAsync("redact-card", "name: redact-card\nrules:\n  - { id: no-cards, effect: redact, fields: [payload.card], when: { action: message.send } }\n");

        using var sent = await _server.Http.PostAsync($"/v1/agents/{agent}/messages", ServerHost.Json("""{"type":"ping","payload":{"card":"4111 1111 1111 1111","amount":5}}"""), Ct);

        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var id = JsonNode.Parse(await sent.Content.ReadAsStringAsync(Ct))!["id"]!.GetValue<string>();
        var message = await _server.GetJsonAsync($"/v1/messages/{id}");
        Assert.Null(message["payload"]!["card"]);
        Assert.Equal(5, message["payload"]!["amount"]!.GetValue<int>());
        await DeletePolicyAsync("redact-card");
    }

    [Fact]
    public async Task Deny_RefusesTheCallWithTheRuleAndChangesNothing()
    {
        await PutPolicyAsync("no-big", "name: no-big\nrules:\n  - { id: no-big-payments, effect: deny, when: { action: message.send, payload: [ { path: payload.amount, op: gt, value: 10000 } ] } }\n");
        var agent = await _server.RegisterAsync("slow");

        using var refused = await _server.Http.PostAsync($"/v1/agents/{agent}/messages", ServerHost.Json("""{"type":"ping","payload":{"amount":25000}}"""), Ct);
        using var allowed = await _server.Http.PostAsync($"/v1/agents/{agent}/messages", ServerHost.Json("""{"type":"ping","payload":{"amount":5}}"""), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("no-big-payments", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
        var denied = Assert.Single(await EntriesAsync(resource: $"agent:{agent}"), e => e.Outcome == SystemCallOutcomes.Denied);
        Assert.Equal("no-big-payments", JsonNode.Parse(denied.Context)!["policy"]!["rule"]!.GetValue<string>());
        await DeletePolicyAsync("no-big");
    }

    [Theory]
    [InlineData(true, HttpStatusCode.Accepted)]
    [InlineData(false, HttpStatusCode.Forbidden)]
    public async Task RequireApproval_HoldsTheCallUntilDecided(bool approve, HttpStatusCode after)
    {
        var agent = await _server.RegisterAsync("slow");
        var policy = "held-" + Guid.NewGuid().ToString("N")[..8];
        await PutPolicyAsync(policy, $"name: {policy}\nrules:\n  - {{ id: four-eyes, effect: require-approval, approvers: ['agent:auditor'], when: {{ action: message.send, resource: 'agent:{agent}' }} }}\n");
        var key = Guid.NewGuid().ToString("N");

        using var held = await SendWithKeyAsync(agent, key);
        Assert.Equal(HttpStatusCode.Conflict, held.StatusCode);
        var approvalId = JsonNode.Parse(await held.Content.ReadAsStringAsync(Ct))!["approvalId"]!.GetValue<string>();
        using var stillHeld = await SendWithKeyAsync(agent, key);
        Assert.Equal(HttpStatusCode.Conflict, stillHeld.StatusCode);

        await _server.Services.GetRequiredService<ApprovalClient>().DecideAsync(approvalId, approve, "agent:auditor", [], "checked");
        using var decided = await SendWithKeyAsync(agent, key);

        Assert.Equal(after, decided.StatusCode);
        var approval = await _server.Services.GetRequiredService<ApprovalClient>().GetAsync(approvalId);
        Assert.Equal(approve ? ApprovalStatus.Approved : ApprovalStatus.Denied, approval.Status);
        await DeletePolicyAsync(policy);
    }

    [Fact]
    public async Task WorkflowSteps_AreSystemCallsOfTheirRun_AuditedAndRedacted()
    {
        var agent = await _server.RegisterAsync("slow");
        var name = ServerHost.NewId("wf");
        using (var subscribed = await _server.Http.PostAsync($"/v1/agents/{agent}/subscriptions", ServerHost.Json(new JsonObject { ["pattern"] = name }), Ct))
        {
            Assert.True(subscribed.IsSuccessStatusCode, await subscribed.Content.ReadAsStringAsync(Ct));
        }

        await PutPolicyAsync(name, $"name: {name}\nrules:\n  - {{ id: no-cards, effect: redact, fields: [payload.card], when: {{ actor: 'workflow:{name}/*' }} }}\n");
        await RegisterWorkflowAsync(name, AskAndNotify(agent, name));

        var run = await StartRunAsync(name, wait: true);

        Assert.Equal("completed", run["status"]!.GetValue<string>());
        var id = run["id"]!.GetValue<string>();
        var entries = await EntriesAsync(actor: $"workflow:{name}/{id}");
        Assert.Equal(
            [(SystemCallNames.MessagePublish, "topic:" + name, SystemCallOutcomes.Succeeded), (SystemCallNames.MessageRequest, "agent:" + agent, SystemCallOutcomes.Succeeded)],
            entries.Select(e => (e.Action, e.Resource, e.Outcome)).Order());
        Assert.All(entries, e => Assert.Equal("no-cards", JsonNode.Parse(e.Context)!["policy"]!["rule"]!.GetValue<string>()));
        var request = await _server.GetJsonAsync($"/v1/messages/{id}.ask.1");
        Assert.Null(request["payload"]!["card"]);
        Assert.Equal(5, request["payload"]!["amount"]!.GetValue<int>());
        var published = await _server.GetJsonAsync($"/v1/messages/{id}.notify.1");
        Assert.Null(published["payload"]!["card"]);
        await DeletePolicyAsync(name);
    }

    [Fact]
    public async Task WorkflowStep_DeniedByPolicy_FailsTheRunWithTheRule_AndSendsNothing()
    {
        var agent = await _server.RegisterAsync("slow");
        var name = ServerHost.NewId("wf");
        await PutPolicyAsync(name, $"name: {name}\nrules:\n  - {{ id: no-workflow-mail, effect: deny, when: {{ actor: 'workflow:{name}/*', action: message.publish }} }}\n");
        await RegisterWorkflowAsync(name, AskAndNotify(agent, name));

        var run = await StartRunAsync(name, wait: true);

        Assert.Equal("failed", run["status"]!.GetValue<string>());
        var notify = run["steps"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == "notify")!;
        Assert.Contains("no-workflow-mail", notify["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, notify["attempts"]!.GetValue<int>());
        using var unsent = await _server.Http.GetAsync($"/v1/messages/{run["id"]!.GetValue<string>()}.notify.1", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unsent.StatusCode);
        Assert.Contains(await EntriesAsync(actor: $"workflow:{name}/{run["id"]!.GetValue<string>()}"), e => e.Outcome == SystemCallOutcomes.Denied);
        await DeletePolicyAsync(name);
    }

    [Fact]
    public async Task WorkflowStep_HeldForApproval_WaitsAndGoesOnOnceApproved()
    {
        var agent = await _server.RegisterAsync("slow");
        var name = ServerHost.NewId("wf");
        await PutPolicyAsync(name, $"name: {name}\nrules:\n  - {{ id: four-eyes, effect: require-approval, approvers: ['agent:auditor'], when: {{ actor: 'workflow:{name}/*', action: message.request }} }}\n");
        await RegisterWorkflowAsync(name, AskAndNotify(agent, name));
        var id = (await StartRunAsync(name))["id"]!.GetValue<string>();
        var approvals = _server.Services.GetRequiredService<ApprovalClient>();

        var held = await WaitForHoldAsync(approvals, $"workflow:{name}/{id}");
        Assert.Equal("running", (await _server.GetJsonAsync($"/v1/workflow-runs/{id}"))["status"]!.GetValue<string>());
        await approvals.DecideAsync(held.Id, true, "agent:auditor", [], "checked");
        var run = await _server.GetJsonAsync($"/v1/workflow-runs/{id}?waitMs=20000");

        Assert.Equal("completed", run["status"]!.GetValue<string>());
        Assert.Equal("pong", run["steps"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == "ask")!["result"]!.GetValue<string>());
        await DeletePolicyAsync(name);
    }

    private static JsonObject AskAndNotify(string agent, string topic) => new()
    {
        ["steps"] = new JsonArray(
            new JsonObject
            {
                ["id"] = "ask",
                ["kind"] = "agent-request",
                ["input"] = new JsonObject { ["agent"] = agent, ["type"] = "ping", ["payload"] = new JsonObject { ["card"] = "4111 1111 1111 1111", ["amount"] = 5 } },
            },
            new JsonObject
            {
                ["id"] = "notify",
                ["kind"] = "publish",
                ["input"] = new JsonObject { ["topic"] = topic, ["payload"] = new JsonObject { ["card"] = "4111 1111 1111 1111" } },
                ["maxAttempts"] = 3,
            }),
    };

    // Looks once per grain call until the run's held call has asked for its approval, for at most 30 s of wall clock.
    private static async Task<Approval> WaitForHoldAsync(ApprovalClient approvals, string actor)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            if ((await approvals.ListPendingAsync(null, [], null, ApprovalClient.MaxPageSize)).Items.FirstOrDefault(a => a.RequestedBy == actor) is { } approval)
            {
                return approval;
            }

            await Task.Yield();
        }

        throw new TimeoutException($"No call of {actor} was held for approval.");
    }

    private async Task RegisterWorkflowAsync(string name, JsonObject definition)
    {
        definition["name"] = name;
        using var response = await _server.Http.PostAsync("/v1/workflows", ServerHost.Json(definition), Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<JsonNode> StartRunAsync(string workflow, bool wait = false)
    {
        var body = new JsonObject { ["workflow"] = workflow };
        if (wait)
        {
            body["waitMs"] = 20_000;
        }

        using var response = await _server.Http.PostAsync("/v1/workflow-runs", ServerHost.Json(body), Ct);
        var run = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.True(response.IsSuccessStatusCode, run.ToJsonString());
        return run;
    }

    private async Task<string> RegisterEveryCallAgentAsync()
    {
        var id = ServerHost.NewId("every");
        var registration = new JsonObject
        {
            ["id"] = id,
            ["type"] = "every-call",
            ["grants"] = new JsonObject { ["agents"] = new JsonArray("*"), ["topics"] = new JsonArray(">") },
        };
        using var created = await _server.Http.PostAsync("/v1/agents", ServerHost.Json(registration), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return id;
    }

    private async Task<HttpResponseMessage> SendWithKeyAsync(string agent, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/agents/{agent}/messages") { Content = ServerHost.Json("""{"type":"ping","payload":{"amount":1}}""") };
        request.Headers.Add("Idempotency-Key", key);
        return await _server.Http.SendAsync(request, Ct);
    }

    private async Task<IReadOnlyList<AuditEntry>> EntriesAsync(string? actor = null, string? resource = null)
    {
        var log = _server.Services.GetRequiredService<IAuditLog>();
        var page = await log.QueryAsync(new AuditQuery { Actor = actor, Resource = resource, Limit = 1000 }, Ct);
        return page.Entries;
    }

    private async Task<(string Principal, string Secret)> CreateKeyAsync(string role)
    {
        using var response = await _server.Http.PostAsync("/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = ServerHost.NewId("k"), ["roles"] = new JsonArray(role) }), Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return ("api-key:" + body["key"]!["id"]!.GetValue<string>(), body["secret"]!.GetValue<string>());
    }

    private async Task PutPolicyAsync(string name, string yaml)
    {
        using var response = await _server.Http.PutAsync($"/v1/policies/{name}", ServerHost.Json(new JsonObject { ["format"] = "yaml", ["text"] = yaml }), Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task DeletePolicyAsync(string name)
    {
        using var response = await _server.Http.DeleteAsync($"/v1/policies/{name}", Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }
}
