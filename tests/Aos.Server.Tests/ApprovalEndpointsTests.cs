using System.Text.Json.Nodes;
using Aos.Security;

namespace Aos.Server.Tests;

public sealed class ApprovalEndpointsTests(ServerFixture fixture)
{
    private readonly ServerHost _server = fixture.Server;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Request_ListMine_ApproveWithTwoSignOffs_AsTheAuthenticatedCallers()
    {
        var tenant = await _server.CreateTenantAsync();
        await CreateRoleAsync(tenant, "finance");
        using var planner = await _server.SignedInUserAsync(tenant, "planner", AosRoles.User);
        using var alice = await _server.SignedInUserAsync(tenant, "alice", AosRoles.User);
        using var dave = await _server.SignedInUserAsync(tenant, "dave", AosRoles.User, "finance");
        using var mallory = await _server.SignedInUserAsync(tenant, "mallory", AosRoles.User);

        var id = ServerHost.NewId("budget");
        using var created = await planner.PostAsync("/v1/approvals", ServerHost.Json(new JsonObject
        {
            ["id"] = id,
            ["title"] = "Q3 budget",
            ["stages"] = new JsonArray(
                new JsonObject { ["approvers"] = new JsonArray("planner", "alice", "role:finance"), ["timeout"] = "24h" },
                new JsonObject { ["approvers"] = new JsonArray("role:cfo"), ["timeout"] = "8h" }),
            ["requiredApprovals"] = 2,
            ["context"] = new JsonObject { ["amount"] = 12000 },
        }), Token);
        var approval = await created.AssertJsonAsync(201);
        Assert.Equal(("pending", 12000), (approval["status"]!.GetValue<string>(), approval["context"]!["amount"]!.GetValue<int>()));
        Assert.Equal(($"user:{tenant}/planner", tenant), (approval["requestedBy"]!.GetValue<string>(), approval["tenant"]!.GetValue<string>()));
        Assert.Equal($"/v1/approvals/{id}", created.Headers.Location?.OriginalString);

        Assert.Contains(await ListAsync(dave, "mine=true"), a => a == id);
        Assert.DoesNotContain(await ListAsync(mallory, "mine=true"), a => a == id);
        Assert.Contains(await ListAsync(mallory, "approver=dave&roles=finance"), a => a == id);

        using var own = await planner.PostAsync($"/v1/approvals/{id}/approve", ServerHost.Json(new JsonObject()), Token);
        Assert.Contains("cannot approve it", (await own.AssertProblemAsync(409)).Detail());
        using var first = await alice.PostAsync($"/v1/approvals/{id}/approve", ServerHost.Json(new JsonObject { ["comment"] = "ok by me" }), Token);
        Assert.Equal("pending", (await first.AssertJsonAsync(200))["status"]!.GetValue<string>());
        using var twice = await alice.PostAsync($"/v1/approvals/{id}/approve", ServerHost.Json(new JsonObject()), Token);
        Assert.Contains("has already decided", (await twice.AssertProblemAsync(409)).Detail());
        using var second = await dave.PostAsync($"/v1/approvals/{id}/approve", ServerHost.Json(new JsonObject()), Token);
        var approved = await second.AssertJsonAsync(200);

        Assert.Equal("approved", approved["status"]!.GetValue<string>());
        Assert.Equal([$"user:{tenant}/alice", $"user:{tenant}/dave"], approved["votes"]!.AsArray().Select(v => v!["by"]!.GetValue<string>()));
        Assert.Equal(["created", "voted", "approved"], approved["history"]!.AsArray().Select(h => h!["kind"]!.GetValue<string>()));
        Assert.Equal("ok by me", approved["comments"]![0]!["text"]!.GetValue<string>());
        Assert.Null(approved["deadlineAt"]);
    }

    [Fact]
    public async Task NamingSomeoneElse_AsRequesterDeciderOrCommenter_OrClaimingRoles_Is400AndChangesNothing()
    {
        var tenant = await _server.CreateTenantAsync();
        using var alice = await _server.SignedInUserAsync(tenant, "alice", AosRoles.User);
        using var forged = await alice.PostAsync("/v1/approvals", ServerHost.Json(new JsonObject
        {
            ["title"] = "Raise",
            ["requestedBy"] = "bob",
            ["stages"] = new JsonArray(new JsonObject { ["approvers"] = new JsonArray("alice"), ["timeout"] = "1d" }),
        }), Token);
        Assert.Equal("requestedBy", (await forged.AssertProblemAsync(400))["field"]!.GetValue<string>());

        var id = ServerHost.NewId("raise");
        using var bob = await _server.SignedInUserAsync(tenant, "bob", AosRoles.User);
        await (await bob.PostAsync("/v1/approvals", ServerHost.Json(new JsonObject
        {
            ["id"] = id,
            ["title"] = "Raise",
            ["requestedBy"] = $"user:{tenant}/bob",
            ["stages"] = new JsonArray(new JsonObject { ["approvers"] = new JsonArray("carol", "role:hr"), ["timeout"] = "1d" }),
        }), Token)).AssertJsonAsync(201);

        using var asCarol = await alice.PostAsync($"/v1/approvals/{id}/approve", ServerHost.Json(new JsonObject { ["by"] = "carol" }), Token);
        using var withRoles = await alice.PostAsync($"/v1/approvals/{id}/approve", ServerHost.Json(new JsonObject { ["roles"] = new JsonArray("hr") }), Token);
        using var commentAsCarol = await alice.PostAsync($"/v1/approvals/{id}/comments", ServerHost.Json(new JsonObject { ["by"] = "carol", ["text"] = "fine" }), Token);
        using var mineAndApprover = await alice.GetAsync("/v1/approvals?mine=true&approver=carol", Token);

        Assert.Equal("by", (await asCarol.AssertProblemAsync(400))["field"]!.GetValue<string>());
        Assert.Equal("roles", (await withRoles.AssertProblemAsync(400))["field"]!.GetValue<string>());
        Assert.Equal("by", (await commentAsCarol.AssertProblemAsync(400))["field"]!.GetValue<string>());
        Assert.Equal("mine", (await mineAndApprover.AssertProblemAsync(400))["field"]!.GetValue<string>());
        var unchanged = await (await bob.GetAsync($"/v1/approvals/{id}", Token)).AssertJsonAsync(200);
        Assert.Equal(("pending", 0, 0), (unchanged["status"]!.GetValue<string>(), unchanged["votes"]!.AsArray().Count, unchanged["comments"]!.AsArray().Count));
    }

    [Fact]
    public async Task Deny_Decides_StrangersAreRefused_AndBadRequestsSayWhatIsWrong()
    {
        var tenant = await _server.CreateTenantAsync();
        await CreateRoleAsync(tenant, "hr");
        using var planner = await _server.SignedInUserAsync(tenant, "planner", AosRoles.User);
        using var hana = await _server.SignedInUserAsync(tenant, "hana", AosRoles.User, "hr");
        using var mallory = await _server.SignedInUserAsync(tenant, "mallory", AosRoles.User);
        var id = ServerHost.NewId("hire");
        using var created = await planner.PostAsync("/v1/approvals", ServerHost.Json(new JsonObject
        {
            ["id"] = id,
            ["title"] = "Hire",
            ["stages"] = new JsonArray(new JsonObject { ["approvers"] = new JsonArray("role:hr"), ["timeout"] = "3d" }),
        }), Token);
        await created.AssertJsonAsync(201);

        using var stranger = await mallory.PostAsync($"/v1/approvals/{id}/deny", ServerHost.Json(new JsonObject()), Token);
        var refused = await stranger.AssertProblemAsync(409);
        using var denied = await hana.PostAsync($"/v1/approvals/{id}/deny", ServerHost.Json(new JsonObject { ["comment"] = "no headcount" }), Token);
        using var comment = await planner.PostAsync($"/v1/approvals/{id}/comments", ServerHost.Json(new JsonObject { ["text"] = "understood" }), Token);
        using var badTimeout = await planner.PostAsync("/v1/approvals", ServerHost.Json(new JsonObject
        {
            ["title"] = "x",
            ["stages"] = new JsonArray(new JsonObject { ["approvers"] = new JsonArray("bob"), ["timeout"] = "soon" }),
        }), Token);
        using var missing = await planner.GetAsync("/v1/approvals/" + ServerHost.NewId("nope"), Token);

        Assert.Contains($"'user:{tenant}/mallory' is not an approver", refused.Detail());
        Assert.Equal("denied", (await denied.AssertJsonAsync(200))["status"]!.GetValue<string>());
        var comments = (await comment.AssertJsonAsync(200))["comments"]!.AsArray();
        Assert.Equal([$"user:{tenant}/hana", $"user:{tenant}/planner"], comments.Select(c => c!["by"]!.GetValue<string>()));
        Assert.Equal("stages[0].timeout", (await badTimeout.AssertProblemAsync(400))["field"]!.GetValue<string>());
        await missing.AssertProblemAsync(404);
    }

    [Fact]
    public async Task ApprovalsOfAnotherTenant_AreNotFound_NotListed_AndTheirIdsDescribeNothing()
    {
        var (a, b) = (await _server.CreateTenantAsync(), await _server.CreateTenantAsync());
        using var ofA = await _server.SignedInUserAsync(a, "alice", AosRoles.User);
        using var ofB = await _server.SignedInUserAsync(b, "alice", AosRoles.User);
        using var requesterOfA = await _server.SignedInUserAsync(a, "planner", AosRoles.User);
        var id = ServerHost.NewId("secret");
        await (await requesterOfA.PostAsync("/v1/approvals", ServerHost.Json(new JsonObject
        {
            ["id"] = id,
            ["title"] = "Acquisition",
            ["stages"] = new JsonArray(new JsonObject { ["approvers"] = new JsonArray("alice"), ["timeout"] = "1d" }),
        }), Token)).AssertJsonAsync(201);

        // B's alice has the name A's approval asks for, but she is another principal in another tenant.
        using var get = await ofB.GetAsync($"/v1/approvals/{id}", Token);
        using var approve = await ofB.PostAsync($"/v1/approvals/{id}/approve", ServerHost.Json(new JsonObject()), Token);
        using var deny = await ofB.PostAsync($"/v1/approvals/{id}/deny", ServerHost.Json(new JsonObject()), Token);
        using var comment = await ofB.PostAsync($"/v1/approvals/{id}/comments", ServerHost.Json(new JsonObject { ["text"] = "hi" }), Token);
        using var taken = await ofB.PostAsync("/v1/approvals", ServerHost.Json(new JsonObject
        {
            ["id"] = id,
            ["title"] = "Mine",
            ["stages"] = new JsonArray(new JsonObject { ["approvers"] = new JsonArray("bob"), ["timeout"] = "1d" }),
        }), Token);

        await get.AssertProblemAsync(404);
        await approve.AssertProblemAsync(404);
        await deny.AssertProblemAsync(404);
        await comment.AssertProblemAsync(404);
        var takenDetail = (await taken.AssertProblemAsync(400)).Detail();
        Assert.Contains("is taken", takenDetail);
        Assert.DoesNotContain("pending", takenDetail);
        Assert.DoesNotContain(await ListAsync(ofB, "limit=1000"), x => x == id);
        Assert.DoesNotContain(await ListAsync(ofB, "mine=true"), x => x == id);

        Assert.Contains(await ListAsync(ofA, "mine=true"), x => x == id);
        using var approved = await ofA.PostAsync($"/v1/approvals/{id}/approve", ServerHost.Json(new JsonObject()), Token);
        Assert.Equal("approved", (await approved.AssertJsonAsync(200))["status"]!.GetValue<string>());
    }

    private async Task CreateRoleAsync(string tenant, string name)
    {
        using var superuser = _server.Client(_server.ApiKey, tenant);
        var role = new JsonObject { ["name"] = name, ["permissions"] = new JsonArray("approvals:read", "approvals:decide") };
        await (await superuser.PostAsync("/v1/roles", ServerHost.Json(role), Token)).AssertJsonAsync(201);
    }

    private static async Task<List<string>> ListAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync("/v1/approvals?" + query, Token);
        return [.. (await response.AssertJsonAsync(200))["items"]!.AsArray().Select(a => a!["id"]!.GetValue<string>())];
    }
}
