using System.Text.Json.Nodes;

namespace Aos.Server.Tests;

public sealed partial class GovernanceEndpointsTests
{
    [Fact]
    public async Task Policies_Put_ExplainReflectsItAtOnce_InvalidPutChangesNothing_DeleteUninstalls()
    {
        var name = "p-" + Guid.NewGuid().ToString("N")[..8];
        var action = name + ".send";
        var policy = $"name: {name}\nrules:\n  - {{ id: no-send, effect: deny, when: {{ action: {action} }} }}\n";

        using var put = await Server.Http.PutAsync($"/v1/policies/{name}", Source("yaml", policy), Ct);
        var explained = await ExplainAsync(action);
        using var bad = await Server.Http.PutAsync($"/v1/policies/{name}", Source("yaml", $"name: {name}\nrules:\n  - {{ id: x, effect: allow, when: {{ action: [a }}\n"), Ct);
        var afterBad = await ExplainAsync(action);
        var shown = await GetAsync(Server.Http, $"/v1/policies/{name}");
        var listed = await GetAsync(Server.Http, "/v1/policies");
        using var deleted = await Server.Http.DeleteAsync($"/v1/policies/{name}", Ct);
        using var gone = await Server.Http.GetAsync($"/v1/policies/{name}", Ct);
        var afterDelete = await ExplainAsync(action);

        var stored = await put.AssertJsonAsync(200);
        Assert.Equal("api-key:", stored["updatedBy"]!.GetValue<string>()[..8]);
        Assert.True(stored["installed"]!.GetValue<bool>());
        Assert.Equal("deny", explained["effect"]!.GetValue<string>());
        Assert.Equal(name, explained["policyName"]!.GetValue<string>());
        Assert.Equal("no-send", Assert.Single(explained["matches"]!.AsArray())!["ruleId"]!.GetValue<string>());
        Assert.Matches("line 3, column \\d+", (await bad.AssertProblemAsync(400)).Detail());
        Assert.Equal("deny", afterBad["effect"]!.GetValue<string>());
        Assert.Equal(policy, shown["text"]!.GetValue<string>());
        Assert.Equal(stored["eTag"]!.GetValue<string>(), shown["eTag"]!.GetValue<string>());
        Assert.Contains(listed["items"]!.AsArray(), p => p!["name"]!.GetValue<string>() == name && p["origin"]!.GetValue<string>() == "store");
        await deleted.AssertStatusAsync(204);
        await gone.AssertProblemAsync(404);
        Assert.Equal("allow", afterDelete["effect"]!.GetValue<string>());
        Assert.True(afterDelete["isDefault"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Policies_PutWithAnotherNameInTheText_OrAStaleETag_IsRefused()
    {
        var name = "p-" + Guid.NewGuid().ToString("N")[..8];
        using var mismatch = await Server.Http.PutAsync($"/v1/policies/{name}", Source("json", """{ "name": "someone-else", "rules": [] }"""), Ct);
        using var first = await Server.Http.PutAsync($"/v1/policies/{name}", Source("json", $$"""{ "name": "{{name}}", "rules": [] }"""), Ct);
        var body = new JsonObject { ["format"] = "json", ["text"] = $$"""{ "name": "{{name}}", "rules": [] }""", ["ifMatch"] = "stale" };
        using var stale = await Server.Http.PutAsync($"/v1/policies/{name}", ServerHost.Json(body), Ct);

        Assert.Contains("'someone-else'", (await mismatch.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        await first.AssertJsonAsync(200);
        await stale.AssertProblemAsync(409);
        using var cleanup = await Server.Http.DeleteAsync($"/v1/policies/{name}", Ct);
    }

    [Fact]
    public async Task Policies_ValidateAndDryRun_DecideWithoutInstalling()
    {
        var name = "p-" + Guid.NewGuid().ToString("N")[..8];
        var action = name + ".pay";
        var candidate = $"name: {name}\nrules:\n  - {{ id: big, effect: deny, when: {{ action: {action}, payload: [ {{ path: payload.amount, op: gt, value: 100 }} ] }} }}\n";

        using var valid = await Server.Http.PostAsync("/v1/policies/validate", Source("yaml", candidate), Ct);
        using var invalid = await Server.Http.PostAsync("/v1/policies/validate", Source("yaml", "name: x\nrules:\n  - { id: y, effect: maybe }\n"), Ct);
        var dryRun = new JsonObject
        {
            ["policy"] = new JsonObject { ["format"] = "yaml", ["text"] = candidate },
            ["calls"] = new JsonArray(
                new JsonObject { ["actor"] = "alice", ["action"] = action, ["payload"] = new JsonObject { ["amount"] = 500 } },
                new JsonObject { ["actor"] = "alice", ["action"] = action, ["payload"] = new JsonObject { ["amount"] = 5 } }),
        };
        using var ran = await Server.Http.PostAsync("/v1/policies/dry-run", ServerHost.Json(dryRun), Ct);
        using var noActor = await Server.Http.PostAsync("/v1/policies/explain", ServerHost.Json(new JsonObject { ["action"] = action }), Ct);
        var installed = await ExplainAsync(action, new JsonObject { ["amount"] = 500 });

        var ok = await valid.AssertJsonAsync(200);
        Assert.True(ok["ok"]!.GetValue<bool>());
        Assert.Equal(1, ok["rules"]!.GetValue<int>());
        var error = Assert.Single((await invalid.AssertJsonAsync(200))["errors"]!.AsArray())!;
        Assert.Equal(3, error["line"]!.GetValue<int>());
        Assert.Contains("maybe", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var decisions = (await ran.AssertJsonAsync(200))["decisions"]!.AsArray();
        Assert.Equal(["deny", "allow"], decisions.Select(d => d!["effect"]!.GetValue<string>()));
        Assert.Contains("actor", (await noActor.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        Assert.Equal("allow", installed["effect"]!.GetValue<string>());
    }

    private async Task<JsonNode> ExplainAsync(string action, JsonNode? payload = null)
    {
        using var response = await Server.Http.PostAsync("/v1/policies/explain", ServerHost.Json(new JsonObject { ["actor"] = "alice", ["action"] = action, ["payload"] = payload }), Ct);
        return await response.AssertJsonAsync(200);
    }

    private static StringContent Source(string format, string text) => ServerHost.Json(new JsonObject { ["format"] = format, ["text"] = text });
}
