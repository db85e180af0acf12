using System.Net;
using System.Text.Json.Nodes;

namespace Aos.AcceptanceTests;

/// <summary>Kills <c>aos up</c> with SIGKILL mid-approval: decisions given survive, and a deadline that passed while down escalates.</summary>
public sealed class ApprovalKillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KillMidApproval_TheVoteSurvives_TheDecisionCompletesAfterRestart_AndAMissedDeadlineEscalates()
    {
        using var data = new TempDirectory();
        DateTimeOffset deadline;
        await using (var first = await AosUpProcess.StartAsync(data.Path))
        {
            await first.PostJsonAsync("/v1/approvals", new JsonObject
            {
                ["id"] = "two-keys",
                ["title"] = "Open the vault",
                ["stages"] = new JsonArray(new JsonObject { ["approvers"] = new JsonArray("alice", "bob"), ["timeout"] = "1h" }),
                ["requiredApprovals"] = 2,
            }, HttpStatusCode.Created);
            await first.PostJsonAsync("/v1/approvals/two-keys/approve", new JsonObject { ["by"] = "alice", ["comment"] = "first key" }, HttpStatusCode.OK);
            var quick = await first.PostJsonAsync("/v1/approvals", new JsonObject
            {
                ["id"] = "quick",
                ["title"] = "Ship the hotfix",
                ["stages"] = new JsonArray(
                    new JsonObject { ["approvers"] = new JsonArray("carol"), ["timeout"] = "1s" },
                    new JsonObject { ["approvers"] = new JsonArray("role:cto"), ["timeout"] = "1h" }),
            }, HttpStatusCode.Created);
            deadline = quick["deadlineAt"]!.GetValue<DateTimeOffset>();

            Assert.Equal(137, await first.KillAsync());
        }

        // The first deadline must have passed while the node was down; restarting takes longer, but do not rely on it.
        var remaining = deadline - DateTimeOffset.UtcNow;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, Ct);
        }

        await using var second = await AosUpProcess.StartAsync(data.Path);
        var survived = JsonNode.Parse(await second.Http.GetStringAsync("/v1/approvals/two-keys", Ct))!;
        var decided = await second.PostJsonAsync("/v1/approvals/two-keys/approve", new JsonObject { ["by"] = "bob" }, HttpStatusCode.OK);
        var escalated = JsonNode.Parse(await second.Http.GetStringAsync("/v1/approvals/quick", Ct))!;

        Assert.Equal("pending", survived["status"]!.GetValue<string>());
        Assert.Equal("alice", survived["votes"]![0]!["by"]!.GetValue<string>());
        Assert.Equal("first key", survived["comments"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("approved", decided["status"]!.GetValue<string>());
        Assert.Equal(1, escalated["stage"]!.GetValue<int>());
        Assert.Equal(["role:cto"], escalated["approvers"]!.AsArray().Select(a => a!.GetValue<string>()));
        var last = escalated["history"]!.AsArray()[^1]!;
        Assert.Equal(("escalated", "timer"), (last["kind"]!.GetValue<string>(), last["by"]!.GetValue<string>()));
    }
}
