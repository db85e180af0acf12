using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Aos.AcceptanceTests;

/// <summary>Kills <c>aos up</c> with SIGKILL mid-approval: decisions given survive, and a deadline that passed while down escalates.</summary>
public sealed class ApprovalKillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KillMidApproval_TheVoteSurvives_TheDecisionCompletesAfterRestart_AndAMissedDeadlineEscalates()
    {
        using var data = new TempDirectory();
        DateTimeOffset deadline;
        (string Principal, string Secret) alice, bob;
        await using (var first = await AosUpProcess.StartAsync(data.Path))
        {
            // Each key holder decides with a key of their own: who decides is the caller, never a name in the body.
            await first.PostJsonAsync("/v1/roles", new JsonObject { ["name"] = "key-holder", ["permissions"] = new JsonArray("approvals:read", "approvals:decide") }, HttpStatusCode.Created);
            (alice, bob) = (await KeyAsync(first, "alice"), await KeyAsync(first, "bob"));
            await first.PostJsonAsync("/v1/approvals", new JsonObject
            {
                ["id"] = "two-keys",
                ["title"] = "Open the vault",
                ["stages"] = new JsonArray(new JsonObject { ["approvers"] = new JsonArray("role:key-holder"), ["timeout"] = "1h" }),
                ["requiredApprovals"] = 2,
            }, HttpStatusCode.Created);
            await DecideAsync(first, alice.Secret, "/v1/approvals/two-keys/approve", new JsonObject { ["comment"] = "first key" });
            var quick = await first.PostJsonAsync("/v1/approvals", new JsonObject
            {
                ["id"] = "quick",
                ["title"] = "Ship the hotfix",
                ["stages"] = new JsonArray(
                    new JsonObject { ["approvers"] = new JsonArray("carol"), ["timeout"] = "1s" },
                    new JsonObject { ["approvers"] = new JsonArray("role:cto"), ["timeout"] = "1h" }),
            }, HttpStatusCode.Created);
            deadline = quick["deadlineAt"]!.GetValue<DateTimeOffset>();

            Assert.Equal(137, await first.KillAsync());
        }

        // The first deadline must have passed while the node was down; restarting takes longer, but do not rely on it.
        var remaining = deadline - DateTimeOffset.UtcNow;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, Ct);
        }

        await using var second = await AosUpProcess.StartAsync(data.Path);
        var survived = JsonNode.Parse(await second.Http.GetStringAsync("/v1/approvals/two-keys", Ct))!;
        var decided = await DecideAsync(second, bob.Secret, "/v1/approvals/two-keys/approve", []);
        var escalated = JsonNode.Parse(await second.Http.GetStringAsync("/v1/approvals/quick", Ct))!;

        Assert.Equal("pending", survived["status"]!.GetValue<string>());
        Assert.Equal(alice.Principal, survived["votes"]![0]!["by"]!.GetValue<string>());
        Assert.Equal("first key", survived["comments"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("approved", decided["status"]!.GetValue<string>());
        Assert.Equal(1, escalated["stage"]!.GetValue<int>());
        Assert.Equal(["role:cto"], escalated["approvers"]!.AsArray().Select(a => a!.GetValue<string>()));
        var last = escalated["history"]!.AsArray()[^1]!;
        Assert.Equal(("escalated", "timer"), (last["kind"]!.GetValue<string>(), last["by"]!.GetValue<string>()));
        Assert.Equal([alice.Principal, bob.Principal], decided["votes"]!.AsArray().Select(v => v!["by"]!.GetValue<string>()));
    }

    private static async Task<(string Principal, string Secret)> KeyAsync(AosUpProcess node, string name)
    {
        var created = await node.PostJsonAsync("/v1/api-keys", new JsonObject { ["name"] = name, ["roles"] = new JsonArray("key-holder") }, HttpStatusCode.Created);
        return ("api-key:" + created["key"]!["id"]!.GetValue<string>(), created["secret"]!.GetValue<string>());
    }

    private static async Task<JsonNode> DecideAsync(AosUpProcess node, string secret, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var response = await node.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
