using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Aos.Cli.Tests;

public sealed class ApprovalsCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly Uri _server = fixture.Address;

    [Fact]
    public async Task Request_ThenList_ShowsItToAnApproverAndNotToAStranger()
    {
        var id = NewId("budget");
        var (planner, plannerKey) = await UserAsync("planner");
        var (dave, daveKey) = await UserAsync("dave", "finance");
        var (_, malloryKey) = await UserAsync("mallory");

        var requested = await Cli.RunAsync(_server, "approvals", "request", "Q3 budget", "--id", id, "--approvers", "alice, role:finance", "--timeout", "24h",
            "--then", "role:cfo=8h", "--then", "ceo,user:board=3d", "--required", "2", "--context", """{"amount":12000}""", "--api-key", plannerKey);
        var forDave = await Cli.RunAsync(_server, "approvals", "list", "--mine", "--limit", "1000", "--api-key", daveKey);
        var forMallory = await Cli.RunAsync(_server, "approvals", "list", "--mine", "--limit", "1000", "--api-key", malloryKey);
        var forAnyDave = await Cli.RunAsync(_server, "approvals", "list", "--approver", dave, "--roles", "finance,ops", "--limit", "1000");
        var json = await Cli.RunAsync(_server, "approvals", "show", id, "--json");

        requested.AssertExitCode(ExitCodes.Success);
        Assert.Matches($@"^requested: approval {id} is pending \(0 of 2 approvals\), asking alice, role:finance until \d{{4}}-\S+\n$", requested.Output);
        forDave.AssertExitCode(ExitCodes.Success);
        Assert.Matches(@"(?m)^ID\s+TITLE\s+STATUS\s+APPROVERS\s+DEADLINE$", forDave.Output);
        Assert.Matches($@"(?m)^{id}\s+Q3 budget\s+pending\s+alice, role:finance\s+\d{{4}}-\S+$", forDave.Output);
        forMallory.AssertExitCode(ExitCodes.Success);
        Assert.DoesNotContain(id, forMallory.Output, StringComparison.Ordinal);
        Assert.Contains(id, forAnyDave.Output, StringComparison.Ordinal);
        var approval = JsonNode.Parse(json.Output)!;
        Assert.Equal(("user:default/" + planner, 12000), (approval["requestedBy"]!.GetValue<string>(), approval["context"]!["amount"]!.GetValue<int>()));
        Assert.Equal(
            [("alice,role:finance", "1.00:00:00"), ("role:cfo", "08:00:00"), ("ceo,user:board", "3.00:00:00")],
            approval["stages"]!.AsArray().Select(s => (string.Join(',', s!["approvers"]!.AsArray().Select(a => a!.GetValue<string>())), s["timeout"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Approve_TwoRequiredApprovals_AsTheSignedInUsers_ThenShow_IsApprovedWithVotesCommentsAndHistory()
    {
        var id = NewId("hire");
        var (planner, plannerKey) = await UserAsync("planner");
        var (alice, aliceKey) = await UserAsync("alice");
        var (dave, daveKey) = await UserAsync("dave", "finance");
        (await Cli.RunAsync(_server, "approvals", "request", "Hire an engineer", "--id", id, "--approvers", $"{alice},role:finance", "--required", "2", "--description", "Backfill.", "--api-key", plannerKey))
            .AssertExitCode(ExitCodes.Success);

        var own = await Cli.RunAsync(_server, "approvals", "approve", id, "--api-key", plannerKey);
        var first = await Cli.RunAsync(_server, "approvals", "approve", id, "--comment", "ok by me", "--api-key", aliceKey);
        var second = await Cli.RunAsync(_server, "approvals", "approve", id, "--api-key", daveKey);
        var commented = await Cli.RunAsync(_server, "approvals", "comment", id, "thanks both", "--api-key", plannerKey);
        var shown = await Cli.RunAsync(_server, "approvals", "show", id);

        own.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("cannot approve it", own.Error, StringComparison.Ordinal);
        first.AssertExitCode(ExitCodes.Success);
        Assert.Matches($@"^approved by user:default/{alice}: approval {id} is pending \(1 of 2 approvals\), asking {alice}, role:finance until \d{{4}}-", first.Output);
        second.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"approved by user:default/{dave}: approval {id} is approved", second.Output.Trim());
        commented.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"commented: approval {id} has 2 comment(s)", commented.Output.Trim());
        shown.AssertExitCode(ExitCodes.Success);
        Assert.StartsWith($"approval {id}: Hire an engineer\nstatus: approved\ndescription: Backfill.\nrequested by user:default/{planner}; 2 approval(s) required; stage 1 of 1\n", shown.Output, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^  1\s+{alice}, role:finance\s+1\.00:00:00$", shown.Output);
        Assert.Matches($@"(?m)^  \d{{4}}-\S+\s+user:default/{alice}\s+approve\s+ok by me$", shown.Output);
        Assert.Matches($@"(?m)^  \d{{4}}-\S+\s+user:default/{dave}\s+approve$", shown.Output);
        Assert.Matches($@"(?m)^  \d{{4}}-\S+\s+user:default/{planner}\s+thanks both$", shown.Output);
        Assert.Matches(@"(?m)^  AT\s+KIND\s+BY\s+DETAIL$", shown.Output);
        Assert.Matches(
            $@"(?s)\n  \S+\s+created\s+user:default/{planner}\s+asked {alice}, role:finance; deadline [^\n]+\n  \S+\s+voted\s+user:default/{alice}\s+approved: 1 of 2 approvals\n"
            + $@"  \S+\s+approved\s+user:default/{dave}\s+2 of 2 approvals\n  \S+\s+commented\s+user:default/{planner}\s+thanks both\n$",
            shown.Output);
    }

    [Fact]
    public async Task Deny_ByAStranger_ExitsRefusedWithTheServersReasonAndChangesNothing()
    {
        var id = NewId("laptop");
        var (mallory, malloryKey) = await UserAsync("mallory", "sales");
        (await Cli.RunAsync(_server, "approvals", "request", "New laptop", "--id", id, "--approvers", "role:hr")).AssertExitCode(ExitCodes.Success);

        var refused = await Cli.RunAsync(_server, "approvals", "deny", id, "--comment", "no", "--api-key", malloryKey);

        refused.AssertExitCode(ExitCodes.Refused);
        Assert.Empty(refused.Output);
        Assert.StartsWith("aos: 409 ", refused.Error, StringComparison.Ordinal);
        Assert.Contains($"'user:default/{mallory}' is not an approver of '{id}' now; the approvers asked are role:hr.", refused.Error, StringComparison.Ordinal);
        var shown = JsonNode.Parse((await Cli.RunAsync(_server, "approvals", "show", id, "--json")).Output)!;
        Assert.Equal("pending", shown["status"]!.GetValue<string>());
        Assert.Empty(shown["votes"]!.AsArray());
        Assert.Empty(shown["comments"]!.AsArray());
    }

    [Fact]
    public async Task Deny_ByAnApprover_DecidesAndPrintsTheServersJson()
    {
        var id = NewId("trip");
        var (_, hanaKey) = await UserAsync("hana", "hr");
        (await Cli.RunAsync(_server, "approvals", "request", "Trip", "--id", id, "--approvers", "role:hr")).AssertExitCode(ExitCodes.Success);

        var denied = await Cli.RunAsync(_server, "approvals", "deny", id, "--comment", "no budget", "--json", "--api-key", hanaKey);

        denied.AssertExitCode(ExitCodes.Success);
        var approval = JsonNode.Parse(denied.Output)!;
        Assert.Equal(("denied", "no budget"), (approval["status"]!.GetValue<string>(), approval["votes"]![0]!["comment"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("--context", "{not json", "aos: --context is not valid JSON: ")]
    [InlineData("--context", "[1,2]", "aos: --context must be a JSON object")]
    [InlineData("--context", """{"a":1,"a":2}""", "aos: --context is not valid JSON: ")]
    [InlineData("--timeout", "soon", "aos: --timeout: 'soon' is not a duration")]
    [InlineData("--then", "role:cfo", "aos: --then 'role:cfo' is not APPROVERS=TIMEOUT")]
    [InlineData("--then", "role:cfo=", "aos: --then 'role:cfo=' is not APPROVERS=TIMEOUT")]
    [InlineData("--then", "role:cfo=later", "aos: --then 'role:cfo=later': 'later' is not a duration")]
    [InlineData("--then", " , =8h", "aos: --then ' , =8h' names no approver")]
    public async Task Request_BadOption_IsRefusedBeforeAnyRequest(string option, string value, string expected)
    {
        await using var capture = await CapturingServer.StartAsync();

        var result = await Cli.RunAsync(capture.Address, "approvals", "request", "Q3 budget", "--approvers", "alice", option, value);

        result.AssertExitCode(ExitCodes.Usage);
        Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
        Assert.Empty(capture.Requests);
    }

    [Theory]
    [InlineData("approvals", "request", "Q3 budget")]
    [InlineData("approvals", "request", "--approvers", "alice")]
    [InlineData("approvals", "request", "Q3 budget", "--approvers", ",")]
    [InlineData("approvals", "request", "Q3 budget", "--approvers", "alice", "--required", "two")]
    [InlineData("approvals", "list", "--limit", "many")]
    [InlineData("approvals", "approve")]
    [InlineData("approvals", "approve", "x1", "--by", "alice")]
    [InlineData("approvals", "deny", "--by", "alice")]
    [InlineData("approvals", "comment", "x1", "--by", "alice")]
    [InlineData("approvals", "show")]
    [InlineData("approvals", "bogus")]
    public async Task Invoke_BadCommandLine_ExitsWithUsageAndSendsNothing(params string[] args)
    {
        await using var capture = await CapturingServer.StartAsync();

        var result = await Cli.RunAsync(capture.Address, args);

        result.AssertExitCode(ExitCodes.Usage);
        Assert.NotEmpty(result.Error);
        Assert.Empty(capture.Requests);
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Creates a user of the default tenant with a fresh name (and the custom roles it names, if missing), and returns its access token.</summary>
    private async Task<(string Username, string Token)> UserAsync(string name, params string[] customRoles)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = _server };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.ApiKey);
        foreach (var role in customRoles)
        {
            using var created = await http.PostAsJsonAsync("/v1/roles", new JsonObject { ["name"] = role, ["permissions"] = new JsonArray("approvals:read", "approvals:decide") }, ct);
            Assert.True(created.IsSuccessStatusCode || created.StatusCode == HttpStatusCode.Conflict, await created.Content.ReadAsStringAsync(ct));
        }

        var username = $"{name}-{Guid.NewGuid():N}"[..20];
        var user = new JsonObject { ["username"] = username, ["password"] = "correct horse battery", ["roles"] = new JsonArray(["user", .. customRoles.Select(r => (JsonNode?)r)]) };
        using (var response = await http.PostAsJsonAsync("/v1/users", user, ct))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
        }

        using var signIn = await http.PostAsync("/v1/auth/token", new FormUrlEncodedContent(
            [new("grant_type", "password"), new("username", username), new("password", "correct horse battery")]), ct);
        Assert.True(signIn.IsSuccessStatusCode, await signIn.Content.ReadAsStringAsync(ct));
        return (username, JsonNode.Parse(await signIn.Content.ReadAsStringAsync(ct))!["access_token"]!.GetValue<string>());
    }
}
