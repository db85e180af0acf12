using System.Text.Json;
using Aos.Kernel.Workflows.Maf;
using Aos.Messaging;
using Aos.SystemCalls;
using Aos.Workflows;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Aos.Kernel.Tests.Workflows.Maf;

/// <summary>A MAF workflow (uppercase, then append) run as a <c>maf-workflow</c> step: output, checkpoints, resume after a restart, errors.</summary>
public sealed class MafWorkflowStepKindTests : IAsyncDisposable
{
    private readonly SqliteGrainStorageScope _storage = new();
    private readonly TaskCompletionSource _appendEntered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _never = new();
    private ServiceProvider? _services;
    private int _uppercaseCalls;
    private int _appendCalls;
    private bool _appendBlocks;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _storage.DisposeAsync();
    }

    [Fact]
    public async Task StartAsync_RunsTheWorkflowToCompletion_AndReturnsItsOutput()
    {
        var kind = Kind(_storage.Storage);

        var outcome = await kind.StartAsync(Step("""{"workflow": "shout", "input": "hello"}"""), Ct);

        Assert.True(outcome.IsCompleted, outcome.Error);
        Assert.Equal("\"HELLO!\"", outcome.Result);
        Assert.Equal((1, 1), (_uppercaseCalls, _appendCalls));
    }

    [Fact]
    public async Task StartAsync_FinishedAttempt_LeavesNoCheckpointBehind()
    {
        var step = Step("""{"workflow": "shout", "input": "hello"}""");

        var outcome = await Kind(_storage.Storage).StartAsync(step, Ct);

        Assert.True(outcome.IsCompleted, outcome.Error);
        Assert.Empty(await new AosCheckpointStore(_storage.Storage).RetrieveIndexAsync(step.IdempotencyKey));
    }

    [Fact]
    public async Task StartAsync_AgainAfterARestartMidRun_ResumesFromTheCheckpointWithoutRerunningTheFirstExecutor()
    {
        var step = Step("""{"workflow": "shout", "input": "hello"}""");
        _appendBlocks = true;
        using var crash = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var interrupted = Kind(_storage.Storage).StartAsync(step, crash.Token).AsTask();
        await _appendEntered.Task.WaitAsync(Ct);
        crash.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interrupted);
        Assert.Equal((1, 1), (_uppercaseCalls, _appendCalls));
        var store = new AosCheckpointStore(_storage.Storage);
        var afterFirstSuperstep = Assert.Single(await store.RetrieveIndexAsync(step.IdempotencyKey));
        Assert.Equal(JsonValueKind.Object, (await store.RetrieveCheckpointAsync(step.IdempotencyKey, afterFirstSuperstep)).ValueKind);

        _appendBlocks = false;
        await _services!.DisposeAsync();
        var restarted = await _storage.RestartAsync();
        var outcome = await Kind(restarted).StartAsync(step, Ct);

        Assert.True(outcome.IsCompleted, outcome.Error);
        Assert.Equal("\"HELLO!\"", outcome.Result);
        Assert.Equal((1, 2), (_uppercaseCalls, _appendCalls));

        // Finished: the attempt answers from its recorded outcome, and its checkpoints are gone.
        var reopened = new AosCheckpointStore(restarted);
        Assert.Empty(await reopened.RetrieveIndexAsync(step.IdempotencyKey));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => reopened.RetrieveCheckpointAsync(step.IdempotencyKey, afterFirstSuperstep).AsTask());
    }

    [Fact]
    public async Task StartAsync_AgainForAFinishedAttempt_ReturnsTheSameResultWithoutRunningAnything()
    {
        var step = Step("""{"workflow": "shout", "input": "hello"}""");
        var first = await Kind(_storage.Storage).StartAsync(step, Ct);
        await _services!.DisposeAsync();

        var again = await Kind(await _storage.RestartAsync()).StartAsync(step, Ct);

        Assert.Equal(first, again);
        Assert.Equal((1, 1), (_uppercaseCalls, _appendCalls));
    }

    [Fact]
    public async Task StartAsync_AnotherAttempt_RunsTheWorkflowAfresh()
    {
        var kind = Kind(_storage.Storage);
        await kind.StartAsync(Step("""{"workflow": "shout", "input": "hello"}"""), Ct);

        var retry = await kind.StartAsync(Step("""{"workflow": "shout", "input": "hello"}""", attempt: 2), Ct);

        Assert.Equal("\"HELLO!\"", retry.Result);
        Assert.Equal((2, 2), (_uppercaseCalls, _appendCalls));
    }

    [Fact]
    public async Task StartAsync_UnknownWorkflow_FailsForGoodListingTheRegisteredOnes()
    {
        var outcome = await Kind(_storage.Storage).StartAsync(Step("""{"workflow": "whisper", "input": "hello"}"""), Ct);

        Assert.True(outcome.IsFinal);
        Assert.Equal("No MAF workflow named 'whisper' is registered; the registered ones are: 'both', 'broken', 'counted', 'shout'.", outcome.Error);
    }

    [Fact]
    public async Task StartAsync_NoWorkflowNamed_FailsForGoodShowingTheInputShape()
    {
        var outcome = await Kind(_storage.Storage).StartAsync(Step("""{"input": "hello"}"""), Ct);

        Assert.True(outcome.IsFinal);
        Assert.Contains("{\"workflow\": \"<name>\", \"input\": ...}", outcome.Error);
    }

    [Fact]
    public async Task StartAsync_InputOfTheWrongType_FailsForGoodWithoutRunning()
    {
        var outcome = await Kind(_storage.Storage).StartAsync(Step("""{"workflow": "shout", "input": {"text": "hello"}}"""), Ct);

        Assert.True(outcome.IsFinal);
        Assert.Equal("The input of MAF workflow 'shout' must be a JSON String, not a JSON object.", outcome.Error);
        Assert.Equal(0, _uppercaseCalls);
    }

    [Fact]
    public async Task StartAsync_AnExecutorThrows_FailsNamingTheExecutorAndItsError()
    {
        var outcome = await Kind(_storage.Storage).StartAsync(Step("""{"workflow": "broken", "input": "hello"}"""), Ct);

        Assert.False(outcome.IsFinal);
        Assert.Equal("MAF workflow 'broken' failed in executor 'explode': cannot append to HELLO", outcome.Error);
    }

    [Fact]
    public async Task StartAsync_RegisteredWithATypeTheStartExecutorDoesNotTake_FailsForGoodNamingWhatItTakes()
    {
        var outcome = await Kind(_storage.Storage).StartAsync(Step("""{"workflow": "counted", "input": 3}"""), Ct);

        Assert.True(outcome.IsFinal);
        Assert.Equal(
            "MAF workflow 'counted' is registered with input type Int32, but its start executor takes String; register it with one of those.",
            outcome.Error);
        Assert.Equal(0, _uppercaseCalls);
    }

    [Fact]
    public async Task StartAsync_SeveralOutputs_ReturnsThemAsAnArray()
    {
        var outcome = await Kind(_storage.Storage).StartAsync(Step("""{"workflow": "both", "input": "hello"}"""), Ct);

        Assert.True(outcome.IsCompleted, outcome.Error);
        var outputs = JsonSerializer.Deserialize<string[]>(outcome.Result!)!;
        Assert.Equal(["HELLO!", "OLLEH"], outputs.Order(StringComparer.Ordinal));
    }

    private IWorkflowStepKind Kind(IGrainStorage storage, ISystemCallInvoker? pipeline = null)
    {
        var services = new ServiceCollection();
        if (pipeline is not null)
        {
            services.AddSingleton(pipeline);
        }

        _services = services
            .AddLogging()
            .AddKeyedSingleton(AosStorageNames.GrainStorage, storage)
            .AddMafWorkflow<string>("shout", _ => Shout())
            .AddMafWorkflow<string>("broken", _ => Broken())
            .AddMafWorkflow<int>("counted", _ => Shout())
            .AddMafWorkflow<string>("both", _ => Both())
            .BuildServiceProvider();
        return Assert.Single(_services.GetServices<IWorkflowStepKind>(), k => k.Kind == "maf-workflow");
    }

    [Fact]
    public async Task StartAsync_IsASystemCallOfTheRun_NamingTheWorkflow_WithTheInputAsPayload()
    {
        var pipeline = new OneStagePipeline(_ => null);

        var outcome = await Kind(_storage.Storage, pipeline).StartAsync(Step("""{"workflow": "shout", "input": "hello", "priority": "high"}"""), Ct);

        Assert.True(outcome.IsCompleted, outcome.Error);
        var call = Assert.Single(pipeline.Calls);
        Assert.Equal(
            ("maf-workflow.run", "maf-workflow:shout", "workflow:greet/run-1", "run-1.shout", MessagePriority.High, "\"hello\""),
            (call.Action, call.Resource, call.Actor, call.Id, call.Priority, call.Payload?.GetRawText()));
    }

    [Fact]
    public async Task StartAsync_DeniedByPolicy_FailsForGoodWithoutRunningAnything()
    {
        var pipeline = new OneStagePipeline(_ => new SystemCallDeniedException("The call 'maf-workflow.run' on 'maf-workflow:shout' was denied by rule no-shouting."));

        var outcome = await Kind(_storage.Storage, pipeline).StartAsync(Step("""{"workflow": "shout", "input": "hello"}"""), Ct);

        Assert.True(outcome.IsFinal);
        Assert.Contains("no-shouting", outcome.Error, StringComparison.Ordinal);
        Assert.Equal((0, 0), (_uppercaseCalls, _appendCalls));
    }

    [Fact]
    public async Task StartAsync_HeldForApproval_WaitsWithoutRunning_ThenRunsOnceLetThrough()
    {
        var held = true;
        var pipeline = new OneStagePipeline(_ => held ? new SystemCallHeldException("held for approval") { ApprovalId = "a-1" } : null);
        var kind = Kind(_storage.Storage, pipeline);
        var step = Step("""{"workflow": "shout", "input": "hello"}""");

        var waiting = await kind.StartAsync(step, Ct);
        held = false;
        var done = await kind.StartAsync(step, Ct);

        Assert.True(waiting.IsWaiting);
        Assert.Equal("\"HELLO!\"", done.Result);
        Assert.Equal((1, 1), (_uppercaseCalls, _appendCalls));
        Assert.Equal(2, pipeline.Calls.Count);
    }

    [Fact]
    public async Task StartAsync_InputRedactedByPolicy_RunsTheWorkflowOnTheRedactedInput()
    {
        var pipeline = new OneStagePipeline(call =>
        {
            call.Payload = JsonSerializer.SerializeToElement("[redacted]");
            return null;
        });

        var outcome = await Kind(_storage.Storage, pipeline).StartAsync(Step("""{"workflow": "shout", "input": "card 4111"}"""), Ct);

        Assert.Equal("\"[REDACTED]!\"", outcome.Result);
    }

    [Fact]
    public async Task StartAsync_ResumedFromACheckpointAfterARestart_IsNotAskedAgain()
    {
        var pipeline = new OneStagePipeline(_ => null);
        var step = Step("""{"workflow": "shout", "input": "hello"}""");
        _appendBlocks = true;
        using var crash = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var interrupted = Kind(_storage.Storage, pipeline).StartAsync(step, crash.Token).AsTask();
        await _appendEntered.Task.WaitAsync(Ct);
        crash.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interrupted);

        _appendBlocks = false;
        await _services!.DisposeAsync();
        var outcome = await Kind(await _storage.RestartAsync(), pipeline).StartAsync(step, Ct);

        Assert.Equal("\"HELLO!\"", outcome.Result);
        Assert.Single(pipeline.Calls);
    }

    private Workflow Shout()
    {
        var uppercase = Uppercase();
        var append = ExecutorBindingExtensions.BindAsExecutor<string, string>(AppendAsync, "append");
        return new WorkflowBuilder(uppercase).AddEdge(uppercase, append).WithOutputFrom(append).Build();
    }

    private Workflow Both()
    {
        var uppercase = Uppercase();
        var append = ExecutorBindingExtensions.BindAsExecutor<string, string>(AppendAsync, "append");
        var reverse = ExecutorBindingExtensions.BindAsExecutor<string, string>(
            new Func<string, string>(text => new string(text.Reverse().ToArray())), "reverse");
        return new WorkflowBuilder(uppercase).AddFanOutEdge(uppercase, [append, reverse]).WithOutputFrom(append, reverse).Build();
    }

    private Workflow Broken()
    {
        var uppercase = Uppercase();
        var explode = ExecutorBindingExtensions.BindAsExecutor<string, string>(
            new Func<string, string>(text => throw new InvalidOperationException($"cannot append to {text}")), "explode");
        return new WorkflowBuilder(uppercase).AddEdge(uppercase, explode).WithOutputFrom(explode).Build();
    }

    private ExecutorBinding Uppercase() => ExecutorBindingExtensions.BindAsExecutor<string, string>(
        new Func<string, string>(text =>
        {
            Interlocked.Increment(ref _uppercaseCalls);
            return text.ToUpperInvariant();
        }),
        "uppercase");

    private async ValueTask<string> AppendAsync(string text, IWorkflowContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _appendCalls);
        if (_appendBlocks)
        {
            _appendEntered.TrySetResult();
            await _never.Task.WaitAsync(cancellationToken);
        }

        return text + "!";
    }

    private static WorkflowStepContext Step(string input, int attempt = 1)
    {
        using var document = JsonDocument.Parse(input);
        return new WorkflowStepContext
        {
            RunId = "run-1",
            Workflow = "greet",
            StepId = "shout",
            Attempt = attempt,
            Input = document.RootElement.Clone(),
        };
    }
}
