using System.Text.Json.Nodes;
using Aos.Governance.Audit;
using Aos.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Server.Tests;

/// <summary>The governance routes on the real host: audit log, policies, risks and decisions, with their tenancy and permissions.</summary>
public sealed partial class GovernanceEndpointsTests(ServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServerHost Server => fixture.Server;

    [Fact]
    public async Task Audit_Query_SeesOnlyTheCallersTenant_FiltersAndPages()
    {
        var tenant = await Server.CreateTenantAsync();
        var other = await Server.CreateTenantAsync();
        var log = Server.Services.GetRequiredService<IAuditLog>();
        await log.AppendManyAsync([
            Record(tenant, "alice", "agents.spawn"), Record(other, "alice", "agents.spawn"), Record(tenant, "bob", "messages.send"),
            Record(tenant, "alice", "messages.send", AuditLevel.Critical), Record(tenant, "alice", "agents.spawn"),
        ], Ct);
        var (_, secret) = await Server.CreateKeyAsync(tenant, "admin");
        using var admin = Server.Client(secret);

        var all = await GetAsync(admin, "/v1/audit");
        var alice = await GetAsync(admin, "/v1/audit?actor=alice&limit=2");
        var rest = await GetAsync(admin, $"/v1/audit?actor=alice&limit=2&after={alice["next"]}");
        var critical = await GetAsync(admin, "/v1/audit?level=critical");
        using var foreign = await admin.GetAsync($"/v1/audit?tenant={other}", Ct);
        using var badLevel = await admin.GetAsync("/v1/audit?level=loud", Ct);
        var asSuperuser = await GetAsync(Server.Http, $"/v1/audit?tenant={other}");

        Assert.Equal(4, Items(all).Count);
        Assert.All(Items(all), e => Assert.Equal(tenant, e!["tenant"]!.GetValue<string>()));
        Assert.Equal(["agents.spawn", "messages.send"], Items(alice).Select(e => e!["action"]!.GetValue<string>()));
        Assert.Equal(["agents.spawn"], Items(rest).Select(e => e!["action"]!.GetValue<string>()));
        Assert.Null(rest["next"]);
        Assert.True(Items(rest)[0]!["id"]!.GetValue<long>() > Items(alice)[1]!["id"]!.GetValue<long>());
        Assert.Equal("critical", Assert.Single(Items(critical))!["level"]!.GetValue<string>());
        Assert.Contains("tenants:manage", (await foreign.AssertProblemAsync(403)).Detail(), StringComparison.Ordinal);
        Assert.Contains("info, warning, critical", (await badLevel.AssertProblemAsync(400)).Detail(), StringComparison.Ordinal);
        Assert.Equal(other, Assert.Single(Items(asSuperuser))!["tenant"]!.GetValue<string>());
    }

    [Fact]
    public async Task Audit_VerifyAndExport_AreInstallationWide_AndTheExportVerifiesOffline()
    {
        var log = Server.Services.GetRequiredService<IAuditLog>();
        await log.AppendAsync(Record("default", "carol", "backups.take"), Ct);
        var tenant = await Server.CreateTenantAsync();
        var (_, secret) = await Server.CreateKeyAsync(tenant, "admin");
        using var tenantAdmin = Server.Client(secret);

        using var verified = await Server.Http.PostAsync("/v1/audit/verify", null, Ct);
        using var export = await Server.Http.GetAsync("/v1/audit/export", Ct);
        using var refusedVerify = await tenantAdmin.PostAsync("/v1/audit/verify", null, Ct);
        using var refusedExport = await tenantAdmin.GetAsync("/v1/audit/export", Ct);

        var verification = await verified.AssertJsonAsync(200);
        Assert.True(verification["ok"]!.GetValue<bool>());
        Assert.True(verification["entriesChecked"]!.GetValue<long>() >= 1);
        Assert.Equal("application/x-ndjson", export.Content.Headers.ContentType?.MediaType);
        await using var body = await export.Content.ReadAsStreamAsync(Ct);
        var offline = await AuditVerifier.VerifyJsonLinesAsync(body, AuditVerifier.LoadKeys(AosHostingExtensions.AuditKeyDirectory(Server.DataDirectory)), Ct);
        Assert.True(offline.Ok, offline.Detail);
        await refusedVerify.AssertProblemAsync(403);
        await refusedExport.AssertProblemAsync(403);
        Assert.True(File.Exists(AosHostingExtensions.AuditDatabasePath(Server.DataDirectory)));
    }

    private static AuditRecord Record(string tenant, string actor, string action, AuditLevel level = AuditLevel.Info) =>
        new() { Tenant = tenant, Actor = actor, Action = action, Resource = "agent/x", Outcome = "allowed", Level = level };

    private static async Task<JsonNode> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        return await response.AssertJsonAsync(200);
    }

    private static JsonArray Items(JsonNode page) => page["items"]!.AsArray();
}
