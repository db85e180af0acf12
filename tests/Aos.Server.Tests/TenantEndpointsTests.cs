using System.Text.Json.Nodes;
using Aos.Security;

namespace Aos.Server.Tests;

/// <summary><c>/v1/tenants</c>: superusers create, list, show and delete tenants; keys and users exist only in tenants that do.</summary>
public sealed class TenantEndpointsTests(ServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServerHost Server => fixture.Server;

    [Fact]
    public async Task Create_Get_List_Delete()
    {
        var name = "acme-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await Server.Http.PostAsync("/v1/tenants", ServerHost.Json(new JsonObject { ["name"] = name, ["displayName"] = "Acme" }), Ct))
        {
            var tenant = await created.AssertJsonAsync(201);
            Assert.Equal((name, "Acme"), (tenant["name"]!.GetValue<string>(), tenant["displayName"]!.GetValue<string>()));
            Assert.Equal($"/v1/tenants/{name}", created.Headers.Location?.ToString());
        }

        Assert.Equal("Acme", (await Server.GetJsonAsync($"/v1/tenants/{name}"))["displayName"]!.GetValue<string>());
        var names = (await Server.GetJsonAsync("/v1/tenants"))["items"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToList();
        Assert.Contains(name, names);
        Assert.Contains(AosTenants.Default, names);

        using (var deleted = await Server.Http.DeleteAsync($"/v1/tenants/{name}", Ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var gone = await Server.Http.GetAsync($"/v1/tenants/{name}", Ct);
        Assert.Contains($"'{name}'", (await gone.AssertProblemAsync(404)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadRequests_AreProblemsThatSayWhatToDo()
    {
        var name = await Server.CreateTenantAsync();

        using var twice = await Server.Http.PostAsync("/v1/tenants", ServerHost.Json(new JsonObject { ["name"] = name }), Ct);
        using var invalid = await Server.Http.PostAsync("/v1/tenants", ServerHost.Json(new JsonObject { ["name"] = "Not Valid" }), Ct);
        using var @default = await Server.Http.DeleteAsync("/v1/tenants/default", Ct);
        using var unknown = await Server.Http.DeleteAsync("/v1/tenants/no-such-tenant", Ct);

        Assert.Contains("exists already", (await twice.AssertProblemAsync(409)).Detail(), StringComparison.Ordinal);
        Assert.Equal("name", (await invalid.AssertProblemAsync(400))["field"]!.GetValue<string>());
        Assert.Contains("cannot be deleted", (await @default.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        await unknown.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Delete_WhileAnActiveKeyBelongsToIt_Is409_ThenWorksOnceItIsRevoked()
    {
        var name = await Server.CreateTenantAsync();
        var (principal, _) = await Server.CreateKeyAsync(name, AosRoles.User);

        using (var refused = await Server.Http.DeleteAsync($"/v1/tenants/{name}", Ct))
        {
            Assert.Contains("1 active API key(s)", (await refused.AssertProblemAsync(409)).Detail(), StringComparison.Ordinal);
        }

        (await Server.Http.DeleteAsync($"/v1/api-keys/{principal["api-key:".Length..]}", Ct)).Dispose();
        using var deleted = await Server.Http.DeleteAsync($"/v1/tenants/{name}", Ct);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task KeysAndUsers_InATenantThatDoesNotExist_AreRefused_SayingToCreateItFirst()
    {
        using var key = await Server.Http.PostAsync("/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = "x", ["tenant"] = "nowhere" }), Ct);

        var problem = await key.AssertProblemAsync(400);
        Assert.Contains("create the tenant first with POST /v1/tenants", problem.Detail(), StringComparison.Ordinal);
        Assert.Equal("tenant", problem["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnAdmin_CannotManageTenants()
    {
        var (_, secret) = await Server.CreateKeyAsync(AosTenants.Default, AosRoles.Admin);
        using var admin = Server.Client(secret);

        using var list = await admin.GetAsync("/v1/tenants", Ct);
        using var create = await admin.PostAsync("/v1/tenants", ServerHost.Json(new JsonObject { ["name"] = "mine" }), Ct);

        Assert.Contains("'tenants:manage'", (await list.AssertProblemAsync(403)).Detail(), StringComparison.Ordinal);
        await create.AssertProblemAsync(403);
    }
}
