using System.Net;
using System.Text.Json.Nodes;
using Aos.Security;

namespace Aos.Server.Tests;

/// <summary>
/// <c>/v1/roles</c> and <c>/v1/role-assignments</c>: custom roles per tenant, never beyond the caller's own permissions, and the explicit
/// grant (an assignment) without which a principal cannot act in another tenant.
/// </summary>
public sealed class RoleEndpointsTests(ServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServerHost Server => fixture.Server;

    [Fact]
    public async Task CustomRole_Create_Get_List_Replace_Delete()
    {
        var tenant = await Server.CreateTenantAsync();
        using var superuser = Server.Client(Server.ApiKey, tenant);
        var body = new JsonObject { ["name"] = "auditor", ["description"] = "Reads agents.", ["permissions"] = new JsonArray("agents:read") };

        using (var created = await superuser.PostAsync("/v1/roles", ServerHost.Json(body), Ct))
        {
            var role = await created.AssertJsonAsync(201);
            Assert.Equal(tenant, role["tenant"]!.GetValue<string>());
            Assert.False(role["builtIn"]!.GetValue<bool>());
        }

        var listed = (await (await superuser.GetAsync("/v1/roles", Ct)).AssertJsonAsync(200))["items"]!.AsArray();
        Assert.Equal([.. AosRoles.All, "auditor"], listed.Select(r => r!["name"]!.GetValue<string>()));
        Assert.Contains("tenants:manage", listed.Single(r => r!["name"]!.GetValue<string>() == "superuser")!["permissions"]!.AsArray().Select(p => p!.GetValue<string>()));

        using (var replaced = await superuser.PutAsync("/v1/roles/auditor", ServerHost.Json(new JsonObject { ["permissions"] = new JsonArray("agents:read", "messages:read") }), Ct))
        {
            Assert.Equal(2, (await replaced.AssertJsonAsync(200))["permissions"]!.AsArray().Count);
        }

        Assert.Equal(2, (await (await superuser.GetAsync("/v1/roles/auditor", Ct)).AssertJsonAsync(200))["permissions"]!.AsArray().Count);
        using (var deleted = await superuser.DeleteAsync("/v1/roles/auditor", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await (await superuser.GetAsync("/v1/roles/auditor", Ct)).AssertProblemAsync(404);
        await (await Server.Http.GetAsync("/v1/roles/auditor", Ct)).AssertProblemAsync(404); // a role of another tenant is not found
    }

    [Fact]
    public async Task BadRoles_AreProblemsNamingWhatWasWrong()
    {
        using var unknown = await Server.Http.PostAsync("/v1/roles", ServerHost.Json(new JsonObject { ["name"] = "pilot", ["permissions"] = new JsonArray("agents:fly") }), Ct);
        using var shadow = await Server.Http.PostAsync("/v1/roles", ServerHost.Json(new JsonObject { ["name"] = "admin", ["permissions"] = new JsonArray("agents:read") }), Ct);
        using var builtIn = await Server.Http.PutAsync("/v1/roles/guest", ServerHost.Json(new JsonObject { ["permissions"] = new JsonArray("agents:read") }), Ct);
        using var keyWithUnknownRole = await Server.Http.PostAsync("/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = "x", ["roles"] = new JsonArray("pilot") }), Ct);

        Assert.Contains("'agents:fly' is no permission", (await unknown.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        Assert.Contains("built-in role", (await shadow.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        Assert.Contains("built-in role", (await builtIn.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        Assert.Contains("'pilot' is no role", (await keyWithUnknownRole.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdmin_CanPutInARole_OnlyPermissionsItHolds_NeverTenantsManage()
    {
        var tenant = await Server.CreateTenantAsync();
        var (_, secret) = await Server.CreateKeyAsync(tenant, AosRoles.Admin);
        using var admin = Server.Client(secret);

        using var beyond = await admin.PostAsync("/v1/roles", ServerHost.Json(new JsonObject { ["name"] = "boss", ["permissions"] = new JsonArray("agents:read", "tenants:manage") }), Ct);
        using var within = await admin.PostAsync("/v1/roles", ServerHost.Json(new JsonObject { ["name"] = "ops", ["permissions"] = new JsonArray("agents:read", "roles:manage") }), Ct);
        using var extend = await admin.PutAsync("/v1/roles/ops", ServerHost.Json(new JsonObject { ["permissions"] = new JsonArray("signing-keys:rotate") }), Ct);

        Assert.Contains("'tenants:manage', which the caller does not hold", (await beyond.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        Assert.Equal(tenant, (await within.AssertJsonAsync(201))["tenant"]!.GetValue<string>());
        Assert.Contains("'signing-keys:rotate'", (await extend.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyWithACustomRole_PassesItsPermissions_AndNothingOnceTheRoleIsDeleted()
    {
        using (var created = await Server.Http.PostAsync("/v1/roles", ServerHost.Json(new JsonObject { ["name"] = "lister-" + Guid.NewGuid().ToString("N")[..6], ["permissions"] = new JsonArray("agents:read", "api-keys:manage") }), Ct))
        {
            var role = (await created.AssertJsonAsync(201))["name"]!.GetValue<string>();
            var (_, secret) = await Server.CreateKeyAsync(AosTenants.Default, role);
            using var key = Server.Client(secret);

            await (await key.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
            await (await key.GetAsync("/v1/api-keys", Ct)).AssertJsonAsync(200);
            Assert.Contains("'workflows:read'", (await (await key.GetAsync("/v1/workflows", Ct)).AssertProblemAsync(403)).Detail(), StringComparison.Ordinal);

            (await Server.Http.DeleteAsync($"/v1/roles/{role}", Ct)).Dispose();

            Assert.Contains("'agents:read'", (await (await key.GetAsync("/v1/agents", Ct)).AssertProblemAsync(403)).Detail(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnAdminOfTenantA_CannotCreateRolesKeysOrUsersInTenantB()
    {
        var (a, b) = (await Server.CreateTenantAsync(), await Server.CreateTenantAsync());
        var (_, secret) = await Server.CreateKeyAsync(a, AosRoles.Admin);
        using var adminOfA = Server.Client(secret);
        using var adminOfAInB = Server.Client(secret, b);

        using var role = await adminOfAInB.PostAsync("/v1/roles", ServerHost.Json(new JsonObject { ["name"] = "x", ["permissions"] = new JsonArray("agents:read") }), Ct);
        using var user = await adminOfAInB.PostAsync("/v1/users", ServerHost.Json(new JsonObject { ["username"] = "eve", ["password"] = "correct horse battery" }), Ct);
        using var key = await adminOfA.PostAsync("/v1/api-keys", ServerHost.Json(new JsonObject { ["name"] = "x", ["tenant"] = b }), Ct);

        Assert.Contains($"The caller has no role in tenant '{b}'", (await role.AssertProblemAsync(403)).Detail(), StringComparison.Ordinal);
        Assert.Contains($"The caller has no role in tenant '{b}'", (await user.AssertProblemAsync(403)).Detail(), StringComparison.Ordinal);
        Assert.Contains("'tenants:manage'", (await key.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        Assert.DoesNotContain((await Server.GetJsonAsync("/v1/api-keys"))["items"]!.AsArray(), k => k!["tenant"]!.GetValue<string>() == b);
    }

    [Fact]
    public async Task CrossTenant_WithoutAnAssignment403_WithOneExactlyTheAssignedRolesPermissions_UntilItIsTakenAway()
    {
        var a = await Server.CreateTenantAsync();
        var (principal, secret) = await Server.CreateKeyAsync(a, AosRoles.Admin);
        using var inDefault = Server.Client(secret, AosTenants.Default);

        var refused = await (await inDefault.GetAsync("/v1/agents", Ct)).AssertProblemAsync(403);
        Assert.Contains("The caller has no role in tenant 'default'", refused.Detail(), StringComparison.Ordinal);
        Assert.Contains($"PUT /v1/role-assignments/{principal}", refused.Detail(), StringComparison.Ordinal);

        using (var assigned = await Server.Http.PutAsync($"/v1/role-assignments/{principal}", ServerHost.Json(new JsonObject { ["roles"] = new JsonArray("guest") }), Ct))
        {
            Assert.Equal(principal, (await assigned.AssertJsonAsync(200))["principalId"]!.GetValue<string>());
        }

        Assert.Contains((await Server.GetJsonAsync("/v1/role-assignments"))["items"]!.AsArray(), x => x!["principalId"]!.GetValue<string>() == principal);
        await (await inDefault.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        var write = await (await inDefault.PostAsync("/v1/agents", ServerHost.Json(new JsonObject { ["id"] = ServerHost.NewId("x"), ["type"] = "echo" }), Ct)).AssertProblemAsync(403);
        Assert.Contains("'agents:write'", write.Detail(), StringComparison.Ordinal);
        await (await inDefault.GetAsync("/v1/api-keys", Ct)).AssertProblemAsync(403); // admin at home, only guest here

        using (var taken = await Server.Http.DeleteAsync($"/v1/role-assignments/{principal}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, taken.StatusCode);
        }

        await (await inDefault.GetAsync("/v1/agents", Ct)).AssertProblemAsync(403);
    }

    [Fact]
    public async Task CrossTenant_TheTenantsOwnAdminAssigns_ACustomRoleOfItsTenant()
    {
        var (a, b) = (await Server.CreateTenantAsync(), await Server.CreateTenantAsync());
        var (principal, secret) = await Server.CreateKeyAsync(a, AosRoles.User);
        var (_, adminOfB) = await Server.CreateKeyAsync(b, AosRoles.Admin);
        await Server.CreateKeyAsync(b, AosRoles.Guest);
        using var admin = Server.Client(adminOfB);
        (await admin.PostAsync("/v1/roles", ServerHost.Json(new JsonObject { ["name"] = "key-reader", ["permissions"] = new JsonArray("api-keys:manage") }), Ct)).Dispose();

        using (var superuserRole = await admin.PutAsync($"/v1/role-assignments/{principal}", ServerHost.Json(new JsonObject { ["roles"] = new JsonArray("superuser") }), Ct))
        {
            Assert.Contains("which the caller does not hold", (await superuserRole.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        }

        await (await admin.PutAsync($"/v1/role-assignments/{principal}", ServerHost.Json(new JsonObject { ["roles"] = new JsonArray("key-reader") }), Ct)).AssertJsonAsync(200);

        using var inB = Server.Client(secret, b);
        var keys = (await (await inB.GetAsync("/v1/api-keys", Ct)).AssertJsonAsync(200))["items"]!.AsArray();
        Assert.Equal(2, keys.Count);
        Assert.All(keys, k => Assert.Equal(b, k!["tenant"]!.GetValue<string>()));
        await (await inB.GetAsync("/v1/roles", Ct)).AssertProblemAsync(403);
    }

    [Fact]
    public async Task CrossTenant_AUserOfAnotherTenant_WithAnAccessToken_ActsWhereItIsAssigned()
    {
        var tenant = await Server.CreateTenantAsync();
        using var superuserThere = Server.Client(Server.ApiKey, tenant);
        var user = new JsonObject { ["username"] = "ada", ["password"] = "correct horse battery", ["roles"] = new JsonArray("user") };
        Assert.Equal(tenant, (await (await superuserThere.PostAsync("/v1/users", ServerHost.Json(user), Ct)).AssertJsonAsync(201))["tenant"]!.GetValue<string>());
        using var signIn = await Server.Anonymous.PostAsync("/v1/auth/token", new FormUrlEncodedContent(
            [new("grant_type", "password"), new("tenant", tenant), new("username", "ada"), new("password", "correct horse battery")]), Ct);
        var token = (await signIn.AssertJsonAsync(200))["access_token"]!.GetValue<string>();
        using var inDefault = Server.Client(token, AosTenants.Default);
        await (await inDefault.GetAsync("/v1/agents", Ct)).AssertProblemAsync(403);

        await (await Server.Http.PutAsync($"/v1/role-assignments/user:{tenant}/ada", ServerHost.Json(new JsonObject { ["roles"] = new JsonArray("guest") }), Ct)).AssertJsonAsync(200);

        await (await inDefault.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        using var taken = await Server.Http.DeleteAsync($"/v1/role-assignments/user:{tenant}/ada", Ct);
        Assert.Equal(HttpStatusCode.NoContent, taken.StatusCode);
    }

    [Fact]
    public async Task XAosTenant_NamingATenantThatDoesNotExist_Is403SayingSo()
    {
        using var client = Server.Client(Server.ApiKey, "no-such-tenant");

        var problem = await (await client.GetAsync("/v1/agents", Ct)).AssertProblemAsync(403);

        Assert.Contains("There is no tenant 'no-such-tenant'", problem.Detail(), StringComparison.Ordinal);
    }
}
