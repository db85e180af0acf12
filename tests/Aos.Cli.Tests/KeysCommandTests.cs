using System.Text.Json.Nodes;

namespace Aos.Cli.Tests;

public sealed class KeysCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly Uri _server = fixture.Address;

    [Fact]
    public async Task Create_PrintsTheKeyOnce_ItWorks_ListShowsItWithoutTheSecret_RevokeStopsIt()
    {
        var created = await Cli.RunAsync(_server, "keys", "create", "reporting", "--role", "guest", "--json");
        created.AssertExitCode(ExitCodes.Success);
        var answer = JsonNode.Parse(created.Output)!;
        var secret = answer["secret"]!.GetValue<string>();
        var prefix = answer["key"]!["prefix"]!.GetValue<string>();

        var asGuest = await Cli.RunAsync(_server, "agents", "list", "--api-key", secret);
        var refused = await Cli.RunAsync(_server, "agents", "register", "--id", "k-" + Guid.NewGuid().ToString("N")[..8], "--type", "echo", "--api-key", secret);
        var listed = await Cli.RunAsync(_server, "keys", "list");
        var revoked = await Cli.RunAsync(_server, "keys", "revoke", prefix);
        var after = await Cli.RunAsync(_server, "agents", "list", "--api-key", secret);

        asGuest.AssertExitCode(ExitCodes.Success);
        refused.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("403", refused.Error, StringComparison.Ordinal);
        Assert.Contains("'agents:write'", refused.Error, StringComparison.Ordinal);
        listed.AssertExitCode(ExitCodes.Success);
        Assert.Matches($@"(?m)^{prefix}\s+default\s+guest\s+active\s+reporting$", listed.Output);
        Assert.DoesNotContain(secret["aos_0123456789ab_".Length..], listed.Output, StringComparison.Ordinal);
        revoked.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"revoked {prefix} (reporting)", revoked.Output.Trim());
        after.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("401", after.Error, StringComparison.Ordinal);
        Assert.Contains("--api-key or AOS_API_KEY", after.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, after.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Text_SaysTheKeyIsShownOnce()
    {
        var created = await Cli.RunAsync(_server, "keys", "create", "ops", "--role", "user", "--role", "agent_manager");

        created.AssertExitCode(ExitCodes.Success);
        Assert.Matches(@"(?m)^created aos_[0-9a-f]{12} \(ops\) in tenant default with roles user, agent_manager$", created.Output);
        Assert.Matches(@"(?m)^aos_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", created.Output);
        Assert.Contains("shown once", created.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAKey_TheServerAnswers401_AndTheCliSaysHowToGiveOne()
    {
        var result = await Cli.RunAsync(_server, "agents", "list", "--api-key", "aos_000000000000_" + new string('a', 43));

        result.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("401", result.Error, StringComparison.Ordinal);
        Assert.Contains("unknown, revoked or expired", result.Error, StringComparison.Ordinal);
    }
}
