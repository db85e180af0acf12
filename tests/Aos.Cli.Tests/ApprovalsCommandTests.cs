using System.Text.Json.Nodes;

namespace Aos.Cli.Tests;

public sealed class ApprovalsCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly Uri _server = fixture.Address;

    [Fact]
    public async Task Request_ThenList_ShowsItToAnApproverAndNotToAStranger()
    {
        var id = NewId("budget");

        var requested = await Cli.RunAsync(_server, "approvals", "request", "Q3 budget", "--id", id, "--approvers", "alice, role:finance", "--timeout", "24h",
            "--then", "role:cfo=8h", "--then", "ceo,user:board=3d", "--required", "2", "--by", "planner", "--context", """{"amount":12000}""");
        var forDave = await Cli.RunAsync(_server, "approvals", "list", "--approver", "dave", "--roles", "finance,ops", "--limit", "1000");
        var forMallory = await Cli.RunAsync(_server, "approvals", "list", "--approver", "mallory", "--roles", "sales", "--limit", "1000");
        var json = await Cli.RunAsync(_server, "approvals", "show", id, "--json");

        requested.AssertExitCode(ExitCodes.Success);
        Assert.Matches($@"^requested: approval {id} is pending \(0 of 2 approvals\), asking alice, role:finance until \d{{4}}-\S+\n$", requested.Output);
        forDave.AssertExitCode(ExitCodes.Success);
        Assert.Matches(@"(?m)^ID\s+TITLE\s+STATUS\s+APPROVERS\s+DEADLINE$", forDave.Output);
        Assert.Matches($@"(?m)^{id}\s+Q3 budget\s+pending\s+alice, role:finance\s+\d{{4}}-\S+$", forDave.Output);
        forMallory.AssertExitCode(ExitCodes.Success);
        Assert.DoesNotContain(id, forMallory.Output, StringComparison.Ordinal);
        var approval = JsonNode.Parse(json.Output)!;
        Assert.Equal(("planner", 12000), (approval["requestedBy"]!.GetValue<string>(), approval["context"]!["amount"]!.GetValue<int>()));
        Assert.Equal(
            [("alice,role:finance", "1.00:00:00"), ("role:cfo", "08:00:00"), ("ceo,user:board", "3.00:00:00")],
            approval["stages"]!.AsArray().Select(s => (string.Join(',', s!["approvers"]!.AsArray().Select(a => a!.GetValue<string>())), s["timeout"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Approve_TwoRequiredApprovals_ThenShow_IsApprovedWithVotesCommentsAndHistory()
    {
        var id = NewId("hire");
        (await Cli.RunAsync(_server, "approvals", "request", "Hire an engineer", "--id", id, "--approvers", "alice,role:finance", "--required", "2", "--description", "Backfill."))
            .AssertExitCode(ExitCodes.Success);

        var first = await Cli.RunAsync(_server, "approvals", "approve", id, "--by", "alice", "--comment", "ok by me");
        var second = await Cli.RunAsync(_server, "approvals", "approve", id, "--by", "dave", "--roles", "ops, finance");
        var commented = await Cli.RunAsync(_server, "approvals", "comment", id, "--by", "planner", "thanks both");
        var shown = await Cli.RunAsync(_server, "approvals", "show", id);

        first.AssertExitCode(ExitCodes.Success);
        Assert.Matches($@"^approved by alice: approval {id} is pending \(1 of 2 approvals\), asking alice, role:finance until \d{{4}}-", first.Output);
        second.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"approved by dave: approval {id} is approved", second.Output.Trim());
        commented.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"commented: approval {id} has 2 comment(s)", commented.Output.Trim());
        shown.AssertExitCode(ExitCodes.Success);
        Assert.StartsWith($"approval {id}: Hire an engineer\nstatus: approved\ndescription: Backfill.\nrequested by http; 2 approval(s) required; stage 1 of 1\n", shown.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  1\s+alice, role:finance\s+1\.00:00:00$", shown.Output);
        Assert.Matches(@"(?m)^  \d{4}-\S+\s+alice\s+approve\s+ok by me$", shown.Output);
        Assert.Matches(@"(?m)^  \d{4}-\S+\s+dave\s+approve$", shown.Output);
        Assert.Matches(@"(?m)^  \d{4}-\S+\s+planner\s+thanks both$", shown.Output);
        Assert.Matches(@"(?m)^  AT\s+KIND\s+BY\s+DETAIL$", shown.Output);
        Assert.Matches(@"(?s)\n  \S+\s+created\s+http\s+asked alice, role:finance; deadline [^\n]+\n  \S+\s+voted\s+alice\s+approved: 1 of 2 approvals\n  \S+\s+approved\s+dave\s+2 of 2 approvals\n  \S+\s+commented\s+planner\s+thanks both\n$", shown.Output);
    }

    [Fact]
    public async Task Deny_ByAStranger_ExitsRefusedWithTheServersReasonAndChangesNothing()
    {
        var id = NewId("laptop");
        (await Cli.RunAsync(_server, "approvals", "request", "New laptop", "--id", id, "--approvers", "role:hr")).AssertExitCode(ExitCodes.Success);

        var refused = await Cli.RunAsync(_server, "approvals", "deny", id, "--by", "mallory", "--roles", "sales", "--comment", "no");

        refused.AssertExitCode(ExitCodes.Refused);
        Assert.Empty(refused.Output);
        Assert.StartsWith("aos: 409 ", refused.Error, StringComparison.Ordinal);
        Assert.Contains($"'mallory' is not an approver of '{id}' now; the approvers asked are role:hr.", refused.Error, StringComparison.Ordinal);
        var shown = JsonNode.Parse((await Cli.RunAsync(_server, "approvals", "show", id, "--json")).Output)!;
        Assert.Equal("pending", shown["status"]!.GetValue<string>());
        Assert.Empty(shown["votes"]!.AsArray());
        Assert.Empty(shown["comments"]!.AsArray());
    }

    [Fact]
    public async Task Deny_ByAnApprover_DecidesAndPrintsTheServersJson()
    {
        var id = NewId("trip");
        (await Cli.RunAsync(_server, "approvals", "request", "Trip", "--id", id, "--approvers", "role:hr")).AssertExitCode(ExitCodes.Success);

        var denied = await Cli.RunAsync(_server, "approvals", "deny", id, "--by", "hana", "--roles", "hr", "--comment", "no budget", "--json");

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
    [InlineData("approvals", "approve", "x1")]
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
}
