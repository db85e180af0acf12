using System.Text.Json.Nodes;

namespace Aos.Server.Tests;

public sealed partial class GovernanceEndpointsTests
{
    [Fact]
    public async Task Risks_Lifecycle_CreateListUpdateMitigateReview()
    {
        var tenant = await Server.CreateTenantAsync();
        var (_, secret) = await Server.CreateKeyAsync(tenant, "agent_manager");
        using var manager = Server.Client(secret);
        var body = new JsonObject { ["title"] = "Model leaks PII", ["likelihood"] = 4, ["impact"] = 5, ["owner"] = "dpo", ["reviewInterval"] = "7d" };

        using var created = await manager.PostAsync("/v1/risks", ServerHost.Json(body), Ct);
        var risk = await created.AssertJsonAsync(201);
        var id = risk["id"]!.GetValue<string>();
        var critical = await GetAsync(manager, "/v1/risks?level=critical");
        var low = await GetAsync(manager, "/v1/risks?level=low");
        using var assessed = await manager.PutAsync($"/v1/risks/{id}", ServerHost.Json(new JsonObject { ["status"] = "assessed", ["likelihood"] = 2 }), Ct);
        using var mitigated = await manager.PostAsync($"/v1/risks/{id}/mitigations", ServerHost.Json(new JsonObject { ["description"] = "Redact emails", ["status"] = "planned" }), Ct);
        using var reviewed = await manager.PostAsync($"/v1/risks/{id}/review", ServerHost.Json("{}"), Ct);
        var mitigating = await GetAsync(manager, "/v1/risks?status=mitigating");
        var due = await GetAsync(manager, "/v1/risks?dueForReview=true");
        using var badStatus = await manager.GetAsync("/v1/risks?status=forgotten", Ct);
        using var incomplete = await manager.PostAsync("/v1/risks", ServerHost.Json(new JsonObject { ["title"] = "No ratings", ["owner"] = "x" }), Ct);

        Assert.Equal(20, risk["score"]!.GetValue<int>());
        Assert.Equal("critical", risk["level"]!.GetValue<string>());
        Assert.Equal($"/v1/risks/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal(id, Assert.Single(Items(critical))!["id"]!.GetValue<string>());
        Assert.Empty(Items(low));
        var afterUpdate = await assessed.AssertJsonAsync(200);
        Assert.Equal("assessed", afterUpdate["status"]!.GetValue<string>());
        Assert.Equal(10, afterUpdate["score"]!.GetValue<int>());
        var afterMitigation = await mitigated.AssertJsonAsync(200);
        Assert.Equal("mitigating", afterMitigation["status"]!.GetValue<string>());
        Assert.Equal("Redact emails", Assert.Single(afterMitigation["mitigations"]!.AsArray())!["description"]!.GetValue<string>());
        Assert.NotNull((await reviewed.AssertJsonAsync(200))["lastReviewedAt"]);
        Assert.Equal(id, Assert.Single(Items(mitigating))!["id"]!.GetValue<string>());
        Assert.Empty(Items(due));
        Assert.Contains("identified", (await badStatus.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        Assert.Contains("likelihood", (await incomplete.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Risks_AndDecisions_OfAnotherTenant_Are404_AndAGuestOnlyReads()
    {
        var tenant = await Server.CreateTenantAsync();
        var other = await Server.CreateTenantAsync();
        using var owner = Server.Client((await Server.CreateKeyAsync(tenant, "agent_manager")).Secret);
        using var outsider = Server.Client((await Server.CreateKeyAsync(other, "admin")).Secret);
        using var guest = Server.Client((await Server.CreateKeyAsync(tenant, "guest")).Secret);
        using var created = await owner.PostAsync("/v1/risks", ServerHost.Json(new JsonObject { ["title"] = "Outage", ["likelihood"] = 2, ["impact"] = 2, ["owner"] = "ops" }), Ct);
        var riskId = (await created.AssertJsonAsync(201))["id"]!.GetValue<string>();
        using var recorded = await owner.PostAsync("/v1/decisions", ServerHost.Json(new JsonObject { ["choice"] = "ship", ["rationale"] = "tests pass" }), Ct);
        var decisionId = (await recorded.AssertJsonAsync(201))["id"]!.GetValue<string>();

        using var foreignRisk = await outsider.GetAsync($"/v1/risks/{riskId}", Ct);
        using var foreignUpdate = await outsider.PutAsync($"/v1/risks/{riskId}", ServerHost.Json(new JsonObject { ["status"] = "closed" }), Ct);
        using var foreignDecision = await outsider.GetAsync($"/v1/decisions/{decisionId}", Ct);
        var outsiderRisks = await GetAsync(outsider, "/v1/risks");
        var outsiderDecisions = await GetAsync(outsider, "/v1/decisions");
        using var guestReads = await guest.GetAsync($"/v1/risks/{riskId}", Ct);
        using var guestWrites = await guest.PostAsync($"/v1/risks/{riskId}/review", ServerHost.Json("{}"), Ct);

        Assert.Contains(riskId, (await foreignRisk.AssertProblemAsync(404)).Detail(), StringComparison.Ordinal);
        await foreignUpdate.AssertProblemAsync(404);
        await foreignDecision.AssertProblemAsync(404);
        Assert.Empty(Items(outsiderRisks));
        Assert.Empty(Items(outsiderDecisions));
        await guestReads.AssertJsonAsync(200);
        Assert.Contains("'risks:write'", (await guestWrites.AssertProblemAsync(403)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decisions_RecordAsTheCaller_GetAndList_AndRefuseAnotherDecider()
    {
        var tenant = await Server.CreateTenantAsync();
        var (principal, secret) = await Server.CreateKeyAsync(tenant, "user");
        using var user = Server.Client(secret);
        var body = new JsonObject
        {
            ["options"] = new JsonArray(new JsonObject { ["name"] = "ship", ["score"] = 0.8 }, new JsonObject { ["name"] = "wait" }),
            ["choice"] = "ship",
            ["rationale"] = "tests pass",
            ["evidence"] = new JsonArray("https://ci.example/run/1"),
            ["context"] = new JsonObject { ["release"] = "1.2" },
        };

        using var recorded = await user.PostAsync("/v1/decisions", ServerHost.Json(body), Ct);
        var decision = await recorded.AssertJsonAsync(201);
        var id = decision["id"]!.GetValue<string>();
        var shown = await GetAsync(user, $"/v1/decisions/{id}");
        var mine = await GetAsync(user, $"/v1/decisions?decidedBy={Uri.EscapeDataString(principal)}");
        var nobody = await GetAsync(user, "/v1/decisions?decidedBy=nobody");
        body["decidedBy"] = "someone-else";
        using var impersonating = await user.PostAsync("/v1/decisions", ServerHost.Json(body.DeepClone()), Ct);
        using var badChoice = await user.PostAsync("/v1/decisions", ServerHost.Json(new JsonObject { ["options"] = new JsonArray(new JsonObject { ["name"] = "a" }), ["choice"] = "b", ["rationale"] = "r" }), Ct);

        Assert.Equal(principal, decision["decidedBy"]!.GetValue<string>());
        Assert.Equal(tenant, shown["tenant"]!.GetValue<string>());
        Assert.Equal("1.2", shown["context"]!["release"]!.GetValue<string>());
        Assert.Equal(id, Assert.Single(Items(mine))!["id"]!.GetValue<string>());
        Assert.Empty(Items(nobody));
        Assert.Contains("decidedBy", (await impersonating.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        await badChoice.AssertProblemAsync(400);
    }
}
