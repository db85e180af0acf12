using Aos.Kernel.Workflows;
using Aos.Workflows;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Kernel.Tests.Workflows;

/// <summary>Workflow definitions and the scheduler: dependencies, concurrency, retries, failure, sagas, cancellation.</summary>
public sealed class WorkflowSchedulerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void Steps_StartWhenTheirDependenciesComplete_IndependentOnesTogether_AndProgressCounts()
    {
        var definition = Diamond();
        var run = WorkflowScheduler.Start(definition, "r-1", Now);

        Assert.Equal(["fetch"], WorkflowScheduler.Ready(definition, run, Now));
        run = Finish(definition, run, "fetch");
        Assert.Equal(["price", "stock"], WorkflowScheduler.Ready(definition, run, Now));
        run = WorkflowScheduler.Begin(run, "price", Now);
        run = WorkflowScheduler.Begin(run, "stock", Now);
        Assert.Empty(WorkflowScheduler.Ready(definition, run, Now));
        run = WorkflowScheduler.Complete(definition, run, "price", "42", Now);
        Assert.Empty(WorkflowScheduler.Ready(definition, run, Now));
        Assert.Equal(0.5, run.Progress);
        run = WorkflowScheduler.Complete(definition, run, "stock", "true", Now);
        Assert.Equal(["quote"], WorkflowScheduler.Ready(definition, run, Now));
        run = Finish(definition, run, "quote");

        Assert.Equal(WorkflowStatus.Completed, run.Status);
        Assert.Equal(1.0, run.Progress);
        Assert.Equal("42", run.Steps.Single(s => s.Id == "price").Result);
        Assert.Equal(["fetch", "price", "stock", "quote"], run.CompletionOrder);
    }

    [Fact]
    public void FailedAttempt_IsRetriedWithDoublingDelay_ThenTheStepFails_ItsDependentsAreSkipped_AndTheRunFails()
    {
        var definition = Diamond() with
        {
            Steps = [.. Diamond().Steps.Select(s => s.Id == "price" ? s with { MaxAttempts = 3, RetryDelay = TimeSpan.FromSeconds(2) } : s)],
        };
        var run = Finish(definition, WorkflowScheduler.Start(definition, "r-2", Now), "fetch");
        run = WorkflowScheduler.Begin(run, "stock", Now);

        run = WorkflowScheduler.Fail(definition, WorkflowScheduler.Begin(run, "price", Now), "price", "timeout", Now);
        Assert.Equal(Now + TimeSpan.FromSeconds(2), run.Steps.Single(s => s.Id == "price").RetryAt);
        Assert.DoesNotContain("price", WorkflowScheduler.Ready(definition, run, Now));
        _time.Advance(TimeSpan.FromSeconds(2));
        run = WorkflowScheduler.Fail(definition, WorkflowScheduler.Begin(run, "price", Now), "price", "timeout", Now);
        Assert.Equal(Now + TimeSpan.FromSeconds(4), run.Steps.Single(s => s.Id == "price").RetryAt);
        _time.Advance(TimeSpan.FromSeconds(4));
        run = WorkflowScheduler.Fail(definition, WorkflowScheduler.Begin(run, "price", Now), "price", "502 from the pricing service", Now);

        var price = run.Steps.Single(s => s.Id == "price");
        Assert.Equal((StepStatus.Failed, 3), (price.Status, price.Attempts));
        Assert.Equal((StepStatus.Skipped, "skipped: dependency price failed"), (run.Steps.Single(s => s.Id == "quote").Status, run.Steps.Single(s => s.Id == "quote").Error));
        Assert.Equal(WorkflowStatus.Running, run.Status); // 'stock' is still running
        run = WorkflowScheduler.Complete(definition, run, "stock", "true", Now);
        Assert.Equal(WorkflowStatus.Failed, run.Status);
        Assert.Contains("step 'price' failed: 502", run.Error);
    }

    [Fact]
    public void Saga_WhoseThirdStepFails_CompensatesStepTwoThenStepOne()
    {
        var definition = new WorkflowDefinition
        {
            Name = "trip",
            Steps =
            [
                new WorkflowStep { Id = "flight", Kind = "agent-request", Compensation = new WorkflowCompensation("agent-request", """{"type":"cancel-flight"}""") },
                new WorkflowStep { Id = "hotel", Kind = "agent-request", DependsOn = ["flight"], Compensation = new WorkflowCompensation("agent-request", """{"type":"cancel-hotel"}""") },
                new WorkflowStep { Id = "car", Kind = "agent-request", DependsOn = ["hotel"] },
            ],
        };
        WorkflowValidator.Validate(definition);
        var run = Finish(definition, Finish(definition, WorkflowScheduler.Start(definition, "r-3", Now), "flight"), "hotel");

        run = WorkflowScheduler.Fail(definition, WorkflowScheduler.Begin(run, "car", Now), "car", "no cars left", Now);
        Assert.Equal(WorkflowStatus.Compensating, run.Status);
        Assert.Equal(["hotel", "flight"], run.PendingCompensations);
        run = WorkflowScheduler.Compensated(definition, run, "hotel", null, Now);
        Assert.Throws<InvalidOperationException>(() => WorkflowScheduler.Compensated(definition, run, "car", null, Now));
        run = WorkflowScheduler.Compensated(definition, run, "flight", null, Now);

        Assert.Equal(WorkflowStatus.Failed, run.Status);
        Assert.Equal([StepStatus.Compensated, StepStatus.Compensated, StepStatus.Failed], run.Steps.Select(s => s.Status));
    }

    [Fact]
    public void Cancel_OnlyWhileRunning_SkipsWhatHasNotFinished_AndIgnoresLateResults()
    {
        var definition = Diamond();
        var run = WorkflowScheduler.Begin(WorkflowScheduler.Start(definition, "r-4", Now), "fetch", Now);

        var cancelled = WorkflowScheduler.Cancel(run, Now);
        var late = WorkflowScheduler.Complete(definition, cancelled, "fetch", "1", Now);

        Assert.Equal(WorkflowStatus.Cancelled, cancelled.Status);
        Assert.All(cancelled.Steps, s => Assert.Equal(StepStatus.Skipped, s.Status));
        Assert.Same(cancelled, late);
        Assert.Empty(WorkflowScheduler.Ready(definition, cancelled, Now));
        Assert.Contains("only a running, queued or suspended run can be cancelled", Assert.Throws<WorkflowRunRefusedException>(() => WorkflowScheduler.Cancel(cancelled, Now)).Message);
    }

    [Theory]
    [InlineData("cycle", "steps", "has a dependency cycle: b → c → d → b")]
    [InlineData("self", "steps[0].dependsOn", "step 'a' depends on itself")]
    [InlineData("unknown-dependency", "steps[1].dependsOn", "depends on 'z', which is not a step")]
    [InlineData("unknown-kind", "steps[0].kind", "has the kind 'teleport', which no node knows")]
    [InlineData("duplicate", "steps[1].id", "the step id 'a' is used twice")]
    [InlineData("input", "steps[0].input", "the input of step 'a' is not a JSON object")]
    [InlineData("compensation-input", "steps[0].compensation.input", "the compensation input of step 'a' is not a JSON object")]
    public void Validate_RefusesABadDefinition_NamingTheStepOrTheCycle(string defect, string field, string message)
    {
        WorkflowStep[] steps = defect switch
        {
            "cycle" =>
            [
                new() { Id = "a", Kind = "publish" }, new() { Id = "b", Kind = "publish", DependsOn = ["a", "c"] },
                new() { Id = "c", Kind = "publish", DependsOn = ["d"] }, new() { Id = "d", Kind = "publish", DependsOn = ["b"] },
            ],
            "self" => [new() { Id = "a", Kind = "publish", DependsOn = ["a"] }],
            "unknown-dependency" => [new() { Id = "a", Kind = "publish" }, new() { Id = "b", Kind = "publish", DependsOn = ["z"] }],
            "unknown-kind" => [new() { Id = "a", Kind = "teleport" }],
            "input" => [new() { Id = "a", Kind = "publish", Input = "[1, 2]" }],
            "compensation-input" => [new() { Id = "a", Kind = "publish", Compensation = new WorkflowCompensation("publish", "not json") }],
            _ => [new() { Id = "a", Kind = "publish" }, new() { Id = "a", Kind = "timer" }],
        };

        var error = Assert.Throws<AosValidationException>(() => WorkflowValidator.Validate(new WorkflowDefinition { Name = "w", Steps = steps }));

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    private WorkflowRun Finish(WorkflowDefinition definition, WorkflowRun run, string step) =>
        WorkflowScheduler.Complete(definition, WorkflowScheduler.Begin(run, step, Now), step, null, Now);

    private static WorkflowDefinition Diamond() => new()
    {
        Name = "quote",
        Steps =
        [
            new WorkflowStep { Id = "fetch", Kind = "agent-request" },
            new WorkflowStep { Id = "price", Kind = "agent-request", DependsOn = ["fetch"] },
            new WorkflowStep { Id = "stock", Kind = "agent-request", DependsOn = ["fetch"] },
            new WorkflowStep { Id = "quote", Kind = "publish", DependsOn = ["price", "stock"] },
        ],
    };
}
