using System.Text.Json;
using Aos.Kernel.Workflows;
using Aos.Kernel.Workflows.Kinds;
using Aos.Messaging;
using Aos.Reliability;
using Aos.SystemCalls;
using Aos.Workflows;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Kernel.Tests.Workflows;

/// <summary>A step's call to the world passes the system-call pipeline as its run: the call it makes, and what a denial, a hold and a redaction do to the step.</summary>
public sealed class StepSystemCallsTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private readonly WorkflowStepContext _context = new() { RunId = "run-7", Workflow = "billing", StepId = "notify", Attempt = 2, Tenant = "acme" };

    [Fact]
    public async Task Call_IsMadeByTheRun_WithTheStepsCallId_AndTheEffectGetsThePayloadAsThePipelineLeftIt()
    {
        var invoker = new OneStagePipeline(call =>
        {
            call.Payload = JsonSerializer.SerializeToElement(new { amount = 5 });
            return null;
        });
        JsonElement? sent = null;

        var outcome = await Calls(invoker).RunAsync(_context, SystemCallNames.MessagePublish, "topic:orders", Json("""{"amount":5,"card":"4111"}"""), MessagePriority.High, (payload, _) =>
        {
            sent = payload;
            return ValueTask.FromResult(WorkflowStepOutcome.Completed());
        }, Ct);

        Assert.False(outcome.IsWaiting);
        Assert.Null(outcome.Error);
        var call = Assert.Single(invoker.Calls);
        Assert.Equal(
            (SystemCallNames.MessagePublish, "topic:orders", "acme", "workflow:billing/run-7", "run-7.notify", MessagePriority.High),
            (call.Action, call.Resource, call.Tenant, call.Actor, call.Id, call.Priority));
        Assert.Equal("""{"amount":5}""", sent!.Value.GetRawText());
    }

    [Fact]
    public async Task Denied_FailsTheStepForGood_WithoutTheEffect()
    {
        var (outcome, made) = await RefusedAsync(new SystemCallDeniedException("The call 'message.publish' on 'topic:orders' was denied by rule no-orders."));

        Assert.False(made);
        Assert.True(outcome.IsFinal);
        Assert.Contains("no-orders", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Held_LeavesTheStepWaiting_UntilTheHoldCheckInterval_WithoutTheEffect()
    {
        var (outcome, made) = await RefusedAsync(new SystemCallHeldException("held") { ApprovalId = "hold-1" }, holdCheck: TimeSpan.FromSeconds(90));

        Assert.False(made);
        Assert.True(outcome.IsWaiting);
        Assert.Equal(_time.GetUtcNow().AddSeconds(90), outcome.CheckAt);
    }

    [Fact]
    public async Task Shed_LeavesTheStepWaiting_UntilTheRetryAfter_WithoutTheEffect()
    {
        var (outcome, made) = await RefusedAsync(new OverloadedException("Work of priority Normal was refused.") { RetryAfter = TimeSpan.FromSeconds(2) });

        Assert.False(made);
        Assert.True(outcome.IsWaiting);
        Assert.Equal(_time.GetUtcNow().AddSeconds(2), outcome.CheckAt);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("2.00:00:00")]
    public void HoldCheckInterval_OutOfRange_IsRefusedNamingTheOption(string interval)
    {
        var result = new WorkflowOptionsValidator().Validate(null, new WorkflowOptions { HoldCheckInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.Contains("Aos:Workflows:HoldCheckInterval", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00", false)]
    [InlineData("00:00:59", false)]
    [InlineData("00:01:00", true)]
    [InlineData("90.00:00:00", true)]
    public void Retention_UnderAMinute_IsRefusedNamingTheOption(string retention, bool valid)
    {
        var result = new WorkflowOptionsValidator().Validate(null, new WorkflowOptions { Retention = TimeSpan.Parse(retention, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(valid, result.Succeeded);
        Assert.True(valid || result.FailureMessage!.Contains("Aos:Workflows:Retention", StringComparison.Ordinal));
    }

    [Fact]
    public void CallId_IsTheSameForEveryAttemptOfAStep()
    {
        Assert.Equal("run-7.notify", StepSystemCalls.CallIdOf(_context));
        Assert.Equal("run-7.notify", StepSystemCalls.CallIdOf(_context with { Attempt = 5 }));
        Assert.Equal("run-7.notify.i2.undo", StepSystemCalls.CallIdOf(_context with { Iteration = 2, Compensating = true }));
    }

    // Runs a publish whose call the pipeline refuses; tells whether the effect ran anyway.
    private async Task<(WorkflowStepOutcome Outcome, bool Made)> RefusedAsync(Exception refusal, TimeSpan? holdCheck = null)
    {
        var made = false;
        var outcome = await Calls(new OneStagePipeline(_ => refusal), holdCheck).RunAsync(_context, SystemCallNames.MessagePublish, "topic:orders", null, MessagePriority.Normal, (_, _) =>
        {
            made = true;
            return ValueTask.FromResult(WorkflowStepOutcome.Completed());
        }, Ct);
        return (outcome, made);
    }

    private StepSystemCalls Calls(ISystemCallInvoker invoker, TimeSpan? holdCheck = null) =>
        new(invoker, Options.Create(new WorkflowOptions { HoldCheckInterval = holdCheck ?? TimeSpan.FromMinutes(1) }), _time);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
