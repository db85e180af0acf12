using System.Text.Json.Nodes;

namespace Aos.Cli.Tests;

public sealed class RolesCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly Uri _server = fixture.Address;

    [Fact]
    public async Task Create_Show_Update_List_Delete_InATenantChosenWithTenant()
    {
        var tenant = "cli-" + Guid.NewGuid().ToString("N")[..8];
        (await Cli.RunAsync(_server, "tenants", "create", tenant)).AssertExitCode(ExitCodes.Success);

        var created = await Cli.RunAsync(_server, "roles", "create", "auditor", "--permission", "agents:read", "--description", "Reads agents.", "--tenant", tenant);
        var updated = await Cli.RunAsync(_server, "roles", "update", "auditor", "--permission", "agents:read", "messages:read", "--tenant", tenant);
        var shown = await Cli.RunAsync(_server, "roles", "show", "auditor", "--tenant", tenant, "--json");
        var listed = await Cli.RunAsync(_server, "roles", "list", "--tenant", tenant);
        var elsewhere = await Cli.RunAsync(_server, "roles", "show", "auditor");
        var deleted = await Cli.RunAsync(_server, "roles", "delete", "auditor", "--tenant", tenant);

        created.AssertExitCode(ExitCodes.Success);
        Assert.Contains($"created role auditor in tenant {tenant}", created.Output, StringComparison.Ordinal);
        Assert.Contains("permissions: agents:read, messages:read", updated.Output, StringComparison.Ordinal);
        Assert.Equal(tenant, JsonNode.Parse(shown.Output)!["tenant"]!.GetValue<string>());
        Assert.Matches(@"(?m)^guest\s+built-in\s+agents:read, ", listed.Output);
        Assert.Matches(@"(?m)^auditor\s+custom\s+agents:read, messages:read$", listed.Output);
        elsewhere.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("404", elsewhere.Error, StringComparison.Ordinal);
        Assert.Equal("deleted role auditor", deleted.Output.Trim());
    }

    [Fact]
    public async Task Create_WithAnUnknownPermission_SaysWhichOne()
    {
        var result = await Cli.RunAsync(_server, "roles", "create", "pilot", "--permission", "agents:fly");

        result.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("'agents:fly' is no permission", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assign_LetsAKeyOfAnotherTenantActHere_WithTenant()
    {
        var tenant = "cli-" + Guid.NewGuid().ToString("N")[..8];
        (await Cli.RunAsync(_server, "tenants", "create", tenant)).AssertExitCode(ExitCodes.Success);
        var key = JsonNode.Parse((await Cli.RunAsync(_server, "keys", "create", "visitor", "--role", "admin", "--tenant", tenant, "--json")).Output)!;
        var (id, secret) = (key["key"]!["id"]!.GetValue<string>(), key["secret"]!.GetValue<string>());

        var before = await Cli.RunAsync(_server, "agents", "list", "--api-key", secret, "--tenant", "default");
        var assigned = await Cli.RunAsync(_server, "roles", "assign", $"api-key:{id}", "--role", "guest");
        var listed = await Cli.RunAsync(_server, "roles", "assignments");
        var after = await Cli.RunAsync(_server, "agents", "list", "--api-key", secret, "--tenant", "default");
        var unassigned = await Cli.RunAsync(_server, "roles", "unassign", $"api-key:{id}");

        before.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("has no role in tenant 'default'", before.Error, StringComparison.Ordinal);
        Assert.Equal($"assigned guest to api-key:{id} in tenant default", assigned.Output.Trim());
        Assert.Matches($@"(?m)^api-key:{id}\s+guest\s+", listed.Output);
        after.AssertExitCode(ExitCodes.Success);
        unassigned.AssertExitCode(ExitCodes.Success);
    }
}
