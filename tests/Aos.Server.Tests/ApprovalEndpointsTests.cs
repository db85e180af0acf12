using System.Text.Json.Nodes;

namespace Aos.Server.Tests;

public sealed class ApprovalEndpointsTests(ServerFixture fixture)
{
    private readonly ServerHost _server = fixture.Server;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Request_ListForTheApprover_ApproveWithTwoSignOffs_AndFollowTheHistory()
    {
        var id = ServerHost.NewId("budget");
        using var created = await _server.Http.PostAsync("/v1/approvals", ServerHost.Json(new JsonObject
        {
            ["id"] = id,
            ["title"] = "Q3 budget",
            ["requestedBy"] = "planner",
            ["stages"] = new JsonArray(
                new JsonObject { ["approvers"] = new JsonArray("alice", "role:finance"), ["timeout"] = "24h" },
                new JsonObject { ["approvers"] = new JsonArray("role:cfo"), ["timeout"] = "8h" }),
            ["requiredApprovals"] = 2,
            ["context"] = new JsonObject { ["amount"] = 12000 },
        }), Token);
        var approval = await created.AssertJsonAsync(201);
        Assert.Equal(("pending", 12000), (approval["status"]!.GetValue<string>(), approval["context"]!["amount"]!.GetValue<int>()));
        Assert.Equal(["alice", "role:finance"], approval["approvers"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal($"/v1/approvals/{id}", created.Headers.Location?.OriginalString);

        var forDave = await _server.GetJsonAsync("/v1/approvals?approver=dave&roles=finance,ops&limit=1000");
        Assert.Contains(forDave["items"]!.AsArray(), a => a!["id"]!.GetValue<string>() == id);
        var forMallory = await _server.GetJsonAsync("/v1/approvals?approver=mallory&roles=sales&limit=1000");
        Assert.DoesNotContain(forMallory["items"]!.AsArray(), a => a!["id"]!.GetValue<string>() == id);

        using var first = await _server.Http.PostAsync($"/v1/approvals/{id}/approve", ServerHost.Json(new JsonObject { ["by"] = "alice", ["comment"] = "ok by me" }), Token);
        Assert.Equal("pending", (await first.AssertJsonAsync(200))["status"]!.GetValue<string>());
        using var twice = await _server.Http.PostAsync($"/v1/approvals/{id}/approve", ServerHost.Json(new JsonObject { ["by"] = "alice" }), Token);
        Assert.Contains("has already decided", (await twice.AssertProblemAsync(409)).Detail());
        using var second = await _server.Http.PostAsync($"/v1/approvals/{id}/approve", ServerHost.Json(new JsonObject { ["by"] = "dave", ["roles"] = new JsonArray("finance") }), Token);
        var approved = await second.AssertJsonAsync(200);

        Assert.Equal("approved", approved["status"]!.GetValue<string>());
        Assert.Equal(["created", "voted", "approved"], approved["history"]!.AsArray().Select(h => h!["kind"]!.GetValue<string>()));
        Assert.Equal("ok by me", approved["comments"]![0]!["text"]!.GetValue<string>());
        Assert.Null(approved["deadlineAt"]);
    }

    [Fact]
    public async Task Deny_Decides_StrangersAreRefused_AndBadRequestsSayWhatIsWrong()
    {
        var id = ServerHost.NewId("hire");
        using var created = await _server.Http.PostAsync("/v1/approvals", ServerHost.Json(new JsonObject
        {
            ["id"] = id,
            ["title"] = "Hire",
            ["stages"] = new JsonArray(new JsonObject { ["approvers"] = new JsonArray("role:hr"), ["timeout"] = "3d" }),
        }), Token);
        await created.AssertJsonAsync(201);

        using var stranger = await _server.Http.PostAsync($"/v1/approvals/{id}/deny", ServerHost.Json(new JsonObject { ["by"] = "mallory" }), Token);
        var refused = await stranger.AssertProblemAsync(409);
        using var denied = await _server.Http.PostAsync($"/v1/approvals/{id}/deny", ServerHost.Json(new JsonObject { ["by"] = "hana", ["roles"] = new JsonArray("hr"), ["comment"] = "no headcount" }), Token);
        using var comment = await _server.Http.PostAsync($"/v1/approvals/{id}/comments", ServerHost.Json(new JsonObject { ["by"] = "planner", ["text"] = "understood" }), Token);
        using var noBy = await _server.Http.PostAsync($"/v1/approvals/{id}/approve", ServerHost.Json(new JsonObject()), Token);
        using var badTimeout = await _server.Http.PostAsync("/v1/approvals", ServerHost.Json(new JsonObject
        {
            ["title"] = "x",
            ["stages"] = new JsonArray(new JsonObject { ["approvers"] = new JsonArray("bob"), ["timeout"] = "soon" }),
        }), Token);
        using var missing = await _server.Http.GetAsync("/v1/approvals/" + ServerHost.NewId("nope"), Token);

        Assert.Contains("'mallory' is not an approver", refused.Detail());
        Assert.Equal("denied", (await denied.AssertJsonAsync(200))["status"]!.GetValue<string>());
        Assert.Equal(2, (await comment.AssertJsonAsync(200))["comments"]!.AsArray().Count);
        Assert.Equal("by", (await noBy.AssertProblemAsync(400))["field"]!.GetValue<string>());
        Assert.Equal("stages[0].timeout", (await badTimeout.AssertProblemAsync(400))["field"]!.GetValue<string>());
        await missing.AssertProblemAsync(404);
    }
}
