using System.Text.Json.Nodes;

namespace Aos.Cli.Tests;

public sealed class TenantsCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly Uri _server = fixture.Address;

    [Fact]
    public async Task Create_List_Show_Delete()
    {
        var name = "cli-" + Guid.NewGuid().ToString("N")[..8];

        var created = await Cli.RunAsync(_server, "tenants", "create", name, "--display-name", "CLI tenant");
        var listed = await Cli.RunAsync(_server, "tenants", "list");
        var shown = await Cli.RunAsync(_server, "tenants", "show", name, "--json");
        var deleted = await Cli.RunAsync(_server, "tenants", "delete", name);
        var gone = await Cli.RunAsync(_server, "tenants", "show", name);

        created.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"created tenant {name} (CLI tenant)", created.Output.Trim());
        Assert.Matches($@"(?m)^{name}\s+CLI tenant\s+\S+", listed.Output);
        Assert.Matches(@"(?m)^default\s+", listed.Output);
        Assert.Equal("CLI tenant", JsonNode.Parse(shown.Output)!["displayName"]!.GetValue<string>());
        Assert.Equal($"deleted tenant {name}", deleted.Output.Trim());
        gone.AssertExitCode(ExitCodes.Refused);
        Assert.Contains($"404 There is no tenant '{name}'", gone.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_TheDefaultTenant_IsRefusedWithTheServersReason()
    {
        var result = await Cli.RunAsync(_server, "tenants", "delete", "default");

        result.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("400 The tenant 'default' cannot be deleted.", result.Error, StringComparison.Ordinal);
    }
}
