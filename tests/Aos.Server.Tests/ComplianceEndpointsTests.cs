using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Governance.Audit;
using Aos.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Server.Tests;

/// <summary><c>/v1/compliance</c>: frameworks (built-in read-only, custom installation-wide), assertions, summaries of the caller's tenant only, and permissions.</summary>
public sealed class ComplianceEndpointsTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServerHost Server => fixture.Server;

    [Fact]
    public async Task Frameworks_ListAndGet_ShowTheBuiltIns()
    {
        var listed = (await (await Server.Http.GetAsync("/v1/compliance/frameworks", Ct)).AssertJsonAsync(200))["items"]!.AsArray();
        var soc2 = await (await Server.Http.GetAsync("/v1/compliance/frameworks/soc2", Ct)).AssertJsonAsync(200);

        Assert.Equal(["soc2", "iso27001"], listed.Select(f => f!["id"]!.GetValue<string>()).Take(2));
        Assert.True(soc2["builtIn"]!.GetValue<bool>());
        Assert.Contains("CC6.1", soc2["controls"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()));
        Assert.Contains("pci", (await (await Server.Http.GetAsync("/v1/compliance/frameworks/pci", Ct)).AssertProblemAsync(404)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomFramework_Put_Replace_Get_Delete()
    {
        var id = "acme-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await Server.Http.PutAsync($"/v1/compliance/frameworks/{id}", ServerHost.Json(Custom()), Ct))
        {
            Assert.False((await created.AssertJsonAsync(201))["builtIn"]!.GetValue<bool>());
        }

        using (var replaced = await Server.Http.PutAsync($"/v1/compliance/frameworks/{id}", ServerHost.Json(Custom(version: "2")), Ct))
        {
            Assert.Equal("2", (await replaced.AssertJsonAsync(200))["version"]!.GetValue<string>());
        }

        Assert.Equal("AC-1", (await Server.GetJsonAsync($"/v1/compliance/frameworks/{id}"))["controls"]![0]!["id"]!.GetValue<string>());
        using (var deleted = await Server.Http.DeleteAsync($"/v1/compliance/frameworks/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await (await Server.Http.GetAsync($"/v1/compliance/frameworks/{id}", Ct)).AssertProblemAsync(404);
        await (await Server.Http.DeleteAsync($"/v1/compliance/frameworks/{id}", Ct)).AssertProblemAsync(404);
    }

    [Fact]
    public async Task BuiltInAndBadFrameworks_AreRefusedWithProblems_AndNothingIsStored()
    {
        var id = "bad-" + Guid.NewGuid().ToString("N")[..8];
        var bad = Custom();
        bad["controls"]![0]!["preconditions"]![0]!["operator"] = "is";

        using var builtIn = await Server.Http.PutAsync("/v1/compliance/frameworks/soc2", ServerHost.Json(Custom()), Ct);
        using var deleteBuiltIn = await Server.Http.DeleteAsync("/v1/compliance/frameworks/iso27001", Ct);
        using var invalid = await Server.Http.PutAsync($"/v1/compliance/frameworks/{id}", ServerHost.Json(bad), Ct);

        Assert.Contains("built-in", (await builtIn.AssertProblemAsync(409)).Detail(), StringComparison.Ordinal);
        await deleteBuiltIn.AssertProblemAsync(409);
        var problem = await invalid.AssertProblemAsync(400);
        Assert.Equal("controls[0].preconditions[0].operator", problem["field"]!.GetValue<string>());
        await (await Server.Http.GetAsync($"/v1/compliance/frameworks/{id}", Ct)).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Permissions_ReadIsTenantScoped_ManageIsInstallationWide()
    {
        var tenant = await Server.CreateTenantAsync();
        var (_, adminSecret) = await Server.CreateKeyAsync(tenant, AosRoles.Admin);
        var (_, guestSecret) = await Server.CreateKeyAsync(tenant, AosRoles.Guest);
        var (_, homeAdminSecret) = await Server.CreateKeyAsync(AosTenants.Default, AosRoles.Admin);
        using var admin = Server.Client(adminSecret);
        using var guest = Server.Client(guestSecret);
        using var homeAdmin = Server.Client(homeAdminSecret);
        var id = "perm-" + Guid.NewGuid().ToString("N")[..8];

        await (await admin.GetAsync("/v1/compliance/frameworks", Ct)).AssertJsonAsync(200);
        await (await guest.GetAsync("/v1/compliance/frameworks", Ct)).AssertProblemAsync(403);
        await (await admin.PutAsync($"/v1/compliance/frameworks/{id}", ServerHost.Json(Custom()), Ct)).AssertProblemAsync(403);
        await (await homeAdmin.PutAsync($"/v1/compliance/frameworks/{id}", ServerHost.Json(Custom()), Ct)).AssertJsonAsync(201);
        await (await admin.DeleteAsync($"/v1/compliance/frameworks/{id}", Ct)).AssertProblemAsync(403);
        await (await Server.Anonymous.GetAsync("/v1/compliance/frameworks", Ct)).AssertProblemAsync(401);
        Assert.Equal(HttpStatusCode.NoContent, (await homeAdmin.DeleteAsync($"/v1/compliance/frameworks/{id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Assert_EntriesOfTheCallersTenant_ReportEachControl()
    {
        var tenant = await Server.CreateTenantAsync();
        var (_, secret) = await Server.CreateKeyAsync(tenant, AosRoles.Admin);
        using var admin = Server.Client(secret);
        await using var log = new TempAuditLog();
        var entries = await log.Log.AppendManyAsync([Call(tenant, "api-key.create"), Call(tenant, "api-key.create", approval: "approved")], Ct);
        var body = new JsonObject { ["framework"] = "soc2", ["entries"] = new JsonArray([.. entries.Select(Export)]) };

        var result = await (await admin.PostAsync("/v1/compliance/assert", ServerHost.Json(body), Ct)).AssertJsonAsync(200);

        Assert.False(result["passed"]!.GetValue<bool>());
        var first = result["results"]![0]!["controls"]!.AsArray().Single(c => c!["control"]!.GetValue<string>() == "CC6.2")!;
        Assert.Equal("pre-condition 'approved' failed: context.approval.status is absent", first["reason"]!.GetValue<string>());
        Assert.True(result["results"]![1]!["passed"]!.GetValue<bool>());
        Assert.All(result["results"]![1]!["controls"]!.AsArray(), c => Assert.True(c!["passed"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Assert_EntriesOfAnotherTenantOrMalformed_AreRefused()
    {
        await using var log = new TempAuditLog();
        var entry = await log.Log.AppendAsync(Call("globex", "message.send"), Ct);
        var missing = Export(entry)!.AsObject();
        missing.Remove("action");

        using var other = await Server.Http.PostAsync("/v1/compliance/assert", ServerHost.Json(new JsonObject { ["entries"] = new JsonArray(Export(entry)) }), Ct);
        using var malformed = await Server.Http.PostAsync("/v1/compliance/assert", ServerHost.Json(new JsonObject { ["entries"] = new JsonArray(missing) }), Ct);
        using var none = await Server.Http.PostAsync("/v1/compliance/assert", ServerHost.Json(new JsonObject { ["entries"] = new JsonArray() }), Ct);

        Assert.Equal("entries[0].tenant", (await other.AssertProblemAsync(400))["field"]!.GetValue<string>());
        Assert.Equal("entries[0].action", (await malformed.AssertProblemAsync(400))["field"]!.GetValue<string>());
        Assert.Equal("entries", (await none.AssertProblemAsync(400))["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Summary_CoversOnlyTheCallersTenant_WithRatesAndControlsNotExercised()
    {
        await using var log = new TempAuditLog();
        await using var server = await ServerHost.StartAsync(configure: aos =>
        {
            aos.Services.RemoveAll<IAuditLog>();
            aos.Services.AddSingleton<IAuditLog>(log.Log);
        });
        var tenant = await server.CreateTenantAsync();
        var (_, secret) = await server.CreateKeyAsync(tenant, AosRoles.Admin);
        using var admin = server.Client(secret);

        // Whatever the node itself audits while the tenant is set up lands a day before the range.
        log.Time.Advance(TimeSpan.FromDays(1));
        var from = log.Time.GetUtcNow();
        await log.Log.AppendManyAsync(
        [
            Call(tenant, "api-key.create"),
            Call(tenant, "api-key.create", approval: "approved"),
            Call(tenant, "message.send"),
            Call(AosTenants.Default, "api-key.create"),
        ], Ct);
        var range = $"from={Iso(from)}&to={Iso(from.AddHours(1))}";

        var summary = await (await admin.GetAsync($"/v1/compliance/summary?{range}&framework=soc2", Ct)).AssertJsonAsync(200);
        var home = await (await server.Http.GetAsync($"/v1/compliance/summary?{range}", Ct)).AssertJsonAsync(200);

        Assert.Equal((tenant, 3), (summary["tenant"]!.GetValue<string>(), summary["entries"]!.GetValue<int>()));
        var controls = summary["frameworks"]![0]!["controls"]!.AsArray().ToDictionary(c => c!["id"]!.GetValue<string>(), c => c!);
        Assert.Equal((2, 1, 0.5), (controls["CC6.2"]["evaluated"]!.GetValue<int>(), controls["CC6.2"]["passed"]!.GetValue<int>(), controls["CC6.2"]["rate"]!.GetValue<double>()));
        Assert.False(controls["CC8.1"]["exercised"]!.GetValue<bool>());
        Assert.Null(controls["CC8.1"]["rate"]);
        Assert.Equal(7.0 / 8, summary["rate"]!.GetValue<double>(), 9);
        Assert.Equal((AosTenants.Default, 1), (home["tenant"]!.GetValue<string>(), home["entries"]!.GetValue<int>()));
        await (await admin.GetAsync($"/v1/compliance/summary?{range}&framework=pci", Ct)).AssertProblemAsync(400);
        await (await admin.GetAsync("/v1/compliance/summary?from=yesterday", Ct)).AssertProblemAsync(400);
    }

    [Fact]
    public async Task Summary_WithoutAuditLog_IsA503Problem()
    {
        await using var server = await ServerHost.StartAsync(configure: aos => aos.Services.RemoveAll<IAuditLog>());

        using var response = await server.Http.GetAsync("/v1/compliance/summary", Ct);

        Assert.Contains("no audit log", (await response.AssertProblemAsync(503)).Detail(), StringComparison.Ordinal);
        await (await server.Http.GetAsync("/v1/compliance/frameworks", Ct)).AssertJsonAsync(200);
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Custom(string version = "1") => new()
    {
        ["name"] = "Acme baseline",
        ["version"] = version,
        ["controls"] = new JsonArray(new JsonObject
        {
            ["id"] = "AC-1",
            ["title"] = "Keys are approved",
            ["actions"] = new JsonArray("api-key.*"),
            ["preconditions"] = new JsonArray(new JsonObject { ["id"] = "approved", ["path"] = "context.approval.status", ["operator"] = "eq", ["value"] = "approved" }),
        }),
    };

    private static AuditRecord Call(string tenant, string action, string? approval = null)
    {
        var context = new JsonObject
        {
            ["policy"] = new JsonObject { ["effect"] = approval is null ? "allow" : "require-approval", ["explanation"] = "rule r1" },
            ["traceId"] = "4bf92f3577b34da6a3ce929d0e0e4736",
        };
        if (approval is not null)
        {
            context["approval"] = new JsonObject { ["id"] = "ap-1", ["status"] = approval };
        }

        return new AuditRecord { Tenant = tenant, Actor = "alice", Action = action, Resource = "x", Outcome = "succeeded", Context = JsonDocument.Parse(context.ToJsonString()).RootElement };
    }

    // The shape the audit export writes; the context is re-indented on purpose, as a client might.
    private static JsonNode? Export(AuditEntry entry) => new JsonObject
    {
        ["id"] = entry.Id,
        ["time"] = entry.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        ["tenant"] = entry.Tenant,
        ["actor"] = entry.Actor,
        ["action"] = entry.Action,
        ["resource"] = entry.Resource,
        ["outcome"] = entry.Outcome,
        ["level"] = entry.Level switch { AuditLevel.Warning => "warning", AuditLevel.Critical => "critical", _ => "info" },
        ["context"] = JsonNode.Parse(JsonNode.Parse(entry.Context)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true })),
        ["previousHash"] = entry.PreviousHash,
        ["hash"] = entry.Hash,
    };

    /// <summary>A real SQLite audit log in a temporary directory, on a fake clock.</summary>
    private sealed class TempAuditLog : IAsyncDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-compliance-" + Guid.NewGuid().ToString("N"));

        public TempAuditLog() => Log = new SqliteAuditLog(new AuditLogOptions { DatabasePath = Path.Combine(_directory, "audit.db"), KeyDirectory = Path.Combine(_directory, "keys") }, Time);

        public FakeTimeProvider Time { get; } = new(Start);

        public SqliteAuditLog Log { get; }

        public async ValueTask DisposeAsync()
        {
            await Log.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
