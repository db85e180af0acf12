using System.Text.Json;
using Aos.Approvals;
using Aos.Governance.Policies;
using Aos.Governance.SystemCalls;
using Aos.SystemCalls;
using Microsoft.Extensions.Options;

namespace Aos.Governance.Tests.SystemCalls;

public sealed class PolicySystemCallInvokerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deny_RefusesBeforeTheOperation_NamingTheRule()
    {
        var invoker = Invoker(new PolicyRule { Id = "no-send", Effect = PolicyEffect.Deny, When = new PolicyConditions { Action = ["message.send"] } });
        var ran = false;
        var call = Call();

        var error = await Assert.ThrowsAsync<SystemCallDeniedException>(async () => await invoker.InvokeAsync(call, (_, _) => ValueTask.FromResult(ran = true), Ct));

        Assert.False(ran);
        Assert.Equal("no-send", error.RuleId);
        Assert.Contains("no-send", error.Message, StringComparison.Ordinal);
        Assert.Equal("deny", call.Annotations["policy"]!["effect"]!.GetValue<string>());
    }

    [Fact]
    public async Task Redact_GivesTheOperationThePayloadWithoutTheFields()
    {
        var invoker = Invoker(new PolicyRule { Id = "cards", Effect = PolicyEffect.Redact, Fields = ["payload.card"] });

        var seen = await invoker.InvokeAsync(Call(), (c, _) => ValueTask.FromResult(c.Payload!.Value.GetRawText()), Ct);

        Assert.Equal("""{"amount":25000}""", seen);
    }

    [Fact]
    public async Task NoRule_AllowsByDefault()
    {
        var invoker = Invoker(new PolicyRule { Id = "other", Effect = PolicyEffect.Deny, When = new PolicyConditions { Action = ["workflow.start"] } });
        var call = Call();

        Assert.True(await invoker.InvokeAsync(call, (_, _) => ValueTask.FromResult(true), Ct));
        Assert.Equal("allow", call.Annotations["policy"]!["effect"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(ApprovalStatus.Approved, true)]
    [InlineData(ApprovalStatus.Denied, false)]
    [InlineData(ApprovalStatus.Expired, false)]
    [InlineData(ApprovalStatus.Pending, false)]
    public async Task RequireApproval_RunsOnlyOnceApproved(string status, bool runs)
    {
        var gate = new ScriptedGate(status);
        var invoker = Invoker(new PolicyRule { Id = "four-eyes", Effect = PolicyEffect.RequireApproval, Approvers = ["role:finance"] }, gate);
        var ran = false;

        var operation = invoker.InvokeAsync(Call(), (_, _) => ValueTask.FromResult(ran = true), Ct).AsTask();

        if (runs)
        {
            Assert.True(await operation);
        }
        else if (status == ApprovalStatus.Pending)
        {
            var held = await Assert.ThrowsAsync<SystemCallHeldException>(() => operation);
            Assert.Equal(gate.Requests[0].Id, held.ApprovalId);
        }
        else
        {
            var refused = await Assert.ThrowsAsync<SystemCallDeniedException>(() => operation);
            Assert.Equal(gate.Requests[0].Id, refused.ApprovalId);
        }

        Assert.Equal(runs, ran);
        var request = Assert.Single(gate.Requests);
        Assert.Equal(["role:finance"], request.Stages[0].Approvers);
        Assert.Equal("agent:orders", request.RequestedBy);
    }

    [Fact]
    public async Task RequireApproval_RepeatsOfOneCallShareOneApproval_CallsWithoutAnIdDoNot()
    {
        var gate = new ScriptedGate(ApprovalStatus.Pending);
        var invoker = Invoker(new PolicyRule { Id = "four-eyes", Effect = PolicyEffect.RequireApproval, Approvers = ["role:finance"] }, gate);

        foreach (var id in new[] { "m-1", "m-1", null, null })
        {
            await Assert.ThrowsAsync<SystemCallHeldException>(async () => await invoker.InvokeAsync(Call(id), (_, _) => ValueTask.FromResult(true), Ct));
        }

        Assert.Equal(gate.Requests[0].Id, gate.Requests[1].Id);
        Assert.NotEqual(gate.Requests[2].Id, gate.Requests[3].Id);
        Assert.NotEqual(gate.Requests[0].Id, gate.Requests[2].Id);
    }

    [Fact]
    public async Task Builder_FirstStageAddedIsOutermost()
    {
        var order = new List<string>();
        var pipeline = new SystemCallPipelineBuilder()
            .Use(inner => new Recording(inner, "outer", order))
            .Use(inner => new Recording(inner, "inner", order))
            .Build(new EmptyServices());

        await pipeline.InvokeAsync(Call(), (_, _) =>
        {
            order.Add("operation");
            return ValueTask.FromResult(0);
        }, Ct);

        Assert.Equal(["outer", "inner", "operation"], order);
    }

    private static SystemCall Call(string? id = "m-1") => new()
    {
        Action = "message.send",
        Resource = "agent:billing",
        Tenant = "acme",
        Actor = "agent:orders",
        Agent = "orders",
        Payload = JsonElement.Parse("""{"amount":25000,"card":"4111"}"""),
        Id = id,
    };

    private static PolicySystemCallInvoker Invoker(PolicyRule rule, IApprovalGate? gate = null)
    {
        var engine = new PolicyEngine(Options.Create(new PolicyEngineOptions()), TimeProvider.System);
        engine.Install([new PolicyDocument { Name = "test", Rules = [rule] }]);
        return new PolicySystemCallInvoker(SystemCallInvoker.Direct, engine, gate, new SystemCallGovernanceOptions());
    }

    /// <summary>Answers every approval request with one status, recording the requests.</summary>
    private sealed class ScriptedGate(string status) : IApprovalGate
    {
        public List<ApprovalRequest> Requests { get; } = [];

        public Task<Approval> AwaitDecisionAsync(ApprovalRequest request, TimeSpan wait, CancellationToken cancellationToken = default)
        {
            Requests.Add(request);
            return Task.FromResult(new Approval
            {
                Id = request.Id!,
                Title = request.Title,
                RequestedBy = request.RequestedBy,
                Stages = request.Stages,
                Tenant = request.Tenant,
                Status = status,
            });
        }
    }

    private sealed class Recording(ISystemCallInvoker inner, string name, List<string> order) : DelegatingSystemCallInvoker(inner)
    {
        public override ValueTask<TResult> InvokeAsync<TResult>(SystemCall systemCall, Func<SystemCall, CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
        {
            order.Add(name);
            return base.InvokeAsync(systemCall, operation, cancellationToken);
        }
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
