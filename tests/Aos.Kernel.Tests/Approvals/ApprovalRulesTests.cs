using Aos.Approvals;
using Aos.Kernel.Approvals;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Kernel.Tests.Approvals;

/// <summary>The rules of an approval: who may decide, how many must approve, deadlines that escalate and expire.</summary>
public sealed class ApprovalRulesTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void Approve_ByAUserOrARoleOfTheCurrentStage_Decides_AndTheDecisionIsFinal()
    {
        var byUser = ApprovalRules.Decide(Budget(), true, "alice", [], "fine", Now);
        var byRole = ApprovalRules.Decide(Budget(), true, "dave", ["finance"], null, Now);

        Assert.Equal(ApprovalStatus.Approved, byUser.Status);
        Assert.Null(byUser.DeadlineAt);
        Assert.Equal(new ApprovalVote("alice", true, Now, "fine"), Assert.Single(byUser.Votes));
        Assert.Equal("fine", Assert.Single(byUser.Comments).Text);
        Assert.Equal(["created", "approved"], byUser.History.Select(h => h.Kind));
        Assert.Equal(ApprovalStatus.Approved, byRole.Status);
        var again = Assert.Throws<ApprovalRefusedException>(() => ApprovalRules.Decide(byUser, false, "dave", ["finance"], null, Now));
        Assert.Contains("is approved; it takes no more decisions", again.Message);
    }

    [Fact]
    public void Decide_BySomeoneNotAskedNow_OrTwice_IsRefused()
    {
        var twoNeeded = Budget(requiredApprovals: 2);
        var once = ApprovalRules.Decide(twoNeeded, true, "alice", [], null, Now);

        var stranger = Assert.Throws<ApprovalRefusedException>(() => ApprovalRules.Decide(twoNeeded, true, "mallory", ["sales"], null, Now));
        var twice = Assert.Throws<ApprovalRefusedException>(() => ApprovalRules.Decide(once, true, "alice", [], null, Now));

        Assert.Contains("'mallory' is not an approver of 'b-1' now; the approvers asked are alice, role:finance", stranger.Message);
        Assert.Contains("'alice' has already decided", twice.Message);
        Assert.Equal(ApprovalStatus.Pending, once.Status);
        Assert.Equal("approved: 1 of 2 approvals", once.History[^1].Detail);
        Assert.Equal(ApprovalStatus.Approved, ApprovalRules.Decide(once, true, "erin", ["finance"], null, Now).Status);
    }

    [Fact]
    public void Approve_ByTheRequester_IsRefusedEvenWhenAsked_ButTheRequesterMayDenyToWithdraw()
    {
        var selfAsked = ApprovalRules.Create(Request() with { Stages = [new ApprovalStage(["planner-agent", "alice"], TimeSpan.FromHours(1))] }, "b-2", Now);

        var own = Assert.Throws<ApprovalRefusedException>(() => ApprovalRules.Decide(selfAsked, true, "planner-agent", [], null, Now));
        var withdrawn = ApprovalRules.Decide(selfAsked, false, "planner-agent", [], "no longer needed", Now);

        Assert.Contains("'planner-agent' requested approval 'b-2' and cannot approve it", own.Message);
        Assert.Equal(ApprovalStatus.Denied, withdrawn.Status);
    }

    [Theory]
    [InlineData("alice", "user:acme/alice", "acme", true)]
    [InlineData("user:alice", "user:acme/alice", "acme", true)]
    [InlineData("alice", "user:other/alice", "acme", false)]
    [InlineData("alice", "alice", "acme", true)]
    [InlineData("agent:auditor", "agent:auditor", "acme", true)]
    [InlineData("agent:auditor", "user:acme/auditor", "acme", false)]
    [InlineData("auditor", "agent:auditor", "acme", false)]
    [InlineData("alice", "api-key:alice", "acme", false)]
    public void Matches_AUserApprover_IsThatUserOfTheApprovalsTenant_AndAnAgentApproverThatAgent(string approver, string by, string tenant, bool expected) =>
        Assert.Equal(expected, ApprovalRules.Matches(approver, by, [], tenant));

    [Fact]
    public void Create_AnAgentApprover_IsValid_AndATenantThatIsNotAName_IsRefused()
    {
        var byAgent = ApprovalRules.Create(Request() with { Stages = [new ApprovalStage(["agent:auditor"], TimeSpan.FromHours(1))], Tenant = "acme" }, "b-3", Now);
        var badTenant = Assert.Throws<AosValidationException>(() => ApprovalRules.Create(Request() with { Tenant = "Not A Tenant" }, "b-4", Now));

        Assert.Equal(("acme", "agent:auditor"), (byAgent.Tenant, byAgent.CurrentApprovers[0]));
        Assert.Equal("tenant", badTenant.Field);
    }

    [Fact]
    public void Deny_ByOneApprover_DecidesAgainstEvenWithApprovalsGiven()
    {
        var once = ApprovalRules.Decide(Budget(requiredApprovals: 2), true, "alice", [], null, Now);

        var denied = ApprovalRules.Decide(once, false, "erin", ["finance"], "over budget", Now);

        Assert.Equal(ApprovalStatus.Denied, denied.Status);
        Assert.Equal(("denied", "erin", "over budget"), (denied.History[^1].Kind, denied.History[^1].By, denied.History[^1].Detail));
    }

    [Fact]
    public void Deadline_EscalatesThroughTheChain_ThenExpires_AndOnlyTheStageAskedNowMayDecide()
    {
        var approval = Budget();
        Assert.Same(approval, ApprovalRules.ApplyDeadline(approval, Now + TimeSpan.FromHours(24) - TimeSpan.FromTicks(1)));

        _time.Advance(TimeSpan.FromHours(24));
        var escalated = ApprovalRules.ApplyDeadline(approval, Now);
        Assert.Equal((1, Now + TimeSpan.FromHours(8)), (escalated.Stage, escalated.DeadlineAt));
        Assert.Equal(("escalated", ApprovalRules.TimerActor), (escalated.History[^1].Kind, escalated.History[^1].By));
        Assert.Throws<ApprovalRefusedException>(() => ApprovalRules.Decide(escalated, true, "alice", [], null, Now));
        Assert.Equal(ApprovalStatus.Approved, ApprovalRules.Decide(escalated, true, "carol", ["cfo"], null, Now).Status);

        _time.Advance(TimeSpan.FromHours(8));
        var expired = ApprovalRules.ApplyDeadline(escalated, Now);
        Assert.Equal(ApprovalStatus.Expired, expired.Status);
        Assert.Null(expired.DeadlineAt);
        Assert.Contains("is expired", Assert.Throws<ApprovalRefusedException>(() => ApprovalRules.Decide(expired, true, "carol", ["cfo"], null, Now)).Message);
        Assert.Equal("sorry, I was away", Assert.Single(ApprovalRules.Comment(expired, "alice", "sorry, I was away", Now).Comments).Text);
    }

    [Theory]
    [InlineData("title", "needs a 'title'")]
    [InlineData("stages", "needs 1 to 100 stages")]
    [InlineData("stages[0].approvers", "invalid approver 'role:'")]
    [InlineData("stages[1].timeout", "must be positive")]
    [InlineData("requiredApprovals", "requiredApprovals is 0")]
    [InlineData("context", "must be a JSON object")]
    public void Create_AnInvalidRequest_IsRefusedNamingThePart(string field, string message)
    {
        var request = Request();
        request = field switch
        {
            "title" => request with { Title = " " },
            "stages" => request with { Stages = [] },
            "stages[0].approvers" => request with { Stages = [new ApprovalStage(["alice", "role:"], TimeSpan.FromHours(1))] },
            "stages[1].timeout" => request with { Stages = [request.Stages[0], new ApprovalStage(["bob"], TimeSpan.Zero)] },
            "requiredApprovals" => request with { RequiredApprovals = 0 },
            _ => request with { Context = "[1, 2]" },
        };

        var error = Assert.Throws<AosValidationException>(() => ApprovalRules.Create(request, "b-1", Now));

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    private Approval Budget(int requiredApprovals = 1) => ApprovalRules.Create(Request() with { RequiredApprovals = requiredApprovals }, "b-1", Now);

    private static ApprovalRequest Request() => new()
    {
        Title = "Q3 marketing budget",
        RequestedBy = "planner-agent",
        Stages = [new ApprovalStage(["alice", "role:finance"], TimeSpan.FromHours(24)), new ApprovalStage(["role:cfo"], TimeSpan.FromHours(8))],
        Context = """{"amount": 12000}""",
    };
}
