using System.Net;
using System.Text.Json.Nodes;

namespace Aos.AcceptanceTests;

/// <summary>Kills <c>aos up</c> with SIGKILL mid-workflow, with a timer running and an approval pending: after a restart the run goes on
/// from where it was, without running completed steps again; the timer that came due while the node was down fires at once.</summary>
public sealed class WorkflowKillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KillMidWorkflow_TheRunResumesAfterRestart_WithoutRedoingCompletedSteps_AndTheLateTimerFires()
    {
        using var data = new TempDirectory();
        JsonNode announced;
        DateTimeOffset timerDue;
        await using (var first = await AosUpProcess.StartAsync(data.Path))
        {
            await first.PostJsonAsync("/v1/workflows", JsonNode.Parse("""
                {
                  "name": "onboarding",
                  "steps": [
                    { "id": "announce", "kind": "publish", "input": { "topic": "hr.onboarding" } },
                    { "id": "cool-off", "kind": "timer", "dependsOn": ["announce"], "input": { "delay": "3s" } },
                    { "id": "sign-off", "kind": "approval", "dependsOn": ["announce"], "input": { "title": "Grant access", "approvers": ["role:superuser"], "timeout": "1h" } },
                    { "id": "welcome", "kind": "publish", "dependsOn": ["cool-off", "sign-off"], "input": { "topic": "hr.welcome" } }
                  ]
                }
                """)!.AsObject(), HttpStatusCode.Created);
            await first.PostJsonAsync("/v1/workflow-runs", new JsonObject { ["workflow"] = "onboarding", ["id"] = "r1", ["input"] = new JsonObject { ["who"] = "dana" } }, HttpStatusCode.Created);

            // The approval exists once the sign-off step has started; by then the announcement has completed.
            await WaitForAsync(first, "/v1/approvals/r1.sign-off.1");
            var before = JsonNode.Parse(await first.Http.GetStringAsync("/v1/workflow-runs/r1", Ct))!;
            announced = Step(before, "announce");
            Assert.Equal("completed", announced["status"]!.GetValue<string>());
            Assert.Equal("running", Step(before, "cool-off")["status"]!.GetValue<string>());
            timerDue = Step(before, "cool-off")["startedAt"]!.GetValue<DateTimeOffset>() + TimeSpan.FromSeconds(3);

            Assert.Equal(137, await first.KillAsync());
        }

        // The timer must come due while the node is down; restarting takes longer, but do not rely on it.
        var remaining = timerDue - DateTimeOffset.UtcNow;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, Ct);
        }

        await using var second = await AosUpProcess.StartAsync(data.Path);
        // The node's admin key holds the superuser role, which the approval asks for; the vote is recorded as that key.
        await second.PostJsonAsync("/v1/approvals/r1.sign-off.1/approve", new JsonObject { ["comment"] = "welcome aboard" }, HttpStatusCode.OK);
        var done = JsonNode.Parse(await second.Http.GetStringAsync("/v1/workflow-runs/r1?waitMs=20000", Ct))!;

        Assert.True(done["status"]!.GetValue<string>() == "completed", done.ToJsonString());
        var announce = Step(done, "announce");
        Assert.Equal(1, announce["attempts"]!.GetValue<int>());
        Assert.Equal(announced["startedAt"]!.GetValue<DateTimeOffset>(), announce["startedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(announced["result"]!.ToJsonString(), announce["result"]!.ToJsonString());
        var timer = Step(done, "cool-off");
        Assert.Equal(1, timer["attempts"]!.GetValue<int>());
        Assert.True(timer["result"]!["firedAt"]!.GetValue<DateTimeOffset>() >= timerDue);
        Assert.StartsWith("api-key:", Step(done, "sign-off")["result"]!["approvedBy"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static JsonNode Step(JsonNode run, string id) => run["steps"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == id)!;

    private static async Task WaitForAsync(AosUpProcess aos, string path)
    {
        // Each look is an HTTP round trip to the node, which is making progress meanwhile.
        for (var i = 0; i < 2_000; i++)
        {
            using var response = await aos.Http.GetAsync(path, Ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
        }

        throw new TimeoutException($"{path} never answered 200.\n{aos.Describe()}");
    }
}
