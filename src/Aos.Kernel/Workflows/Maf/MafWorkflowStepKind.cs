using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using Aos.Kernel.Workflows.Kinds;
using Aos.Workflows;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Aos.Kernel.Workflows.Maf;

/// <summary>
/// Runs a Microsoft Agent Framework workflow, registered by name, as a workflow step of kind <c>maf-workflow</c>, with its checkpoints in
/// the AOS storage.
/// </summary>
/// <remarks>
/// <para>
/// The step input is <c>{"workflow": "&lt;registered name&gt;", "input": &lt;JSON&gt;}</c>; the input is read as the type the workflow was
/// registered with. The MAF session id is the attempt's <see cref="WorkflowStepContext.IdempotencyKey"/>, and the workflow runs in process,
/// one superstep at a time, with a checkpoint after each.
/// </para>
/// <para>
/// Running the workflow is a system call of the run (<c>maf-workflow.run</c> on <c>maf-workflow:{name}</c>, with the input as its payload;
/// <see cref="StepSystemCalls"/>): audited, and decided by policy, which may deny it (the step fails for good), hold it for approval (the
/// step waits) or redact the input the workflow gets. An attempt that resumes from a checkpoint was let through when it started, and is
/// not asked again.
/// </para>
/// <para>
/// After every superstep the attempt records its latest checkpoint together with the outputs yielded so far; a second call for the same
/// attempt (after a crash or a deactivation) resumes from that checkpoint, so finished supersteps do not run again, and a call for a
/// finished attempt answers its recorded outcome. The result is the workflow's output: the one output as it is, several as an array in the
/// order they were yielded, none as no result. Intermediate outputs are not part of it.
/// </para>
/// </remarks>
internal sealed partial class MafWorkflowStepKind(
    IEnumerable<MafWorkflowRegistration> registrations,
    AosCheckpointStore checkpoints,
    StepSystemCalls calls,
    [FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage storage,
    IServiceProvider services,
    ILogger<MafWorkflowStepKind> logger) : IWorkflowStepKind
{
    /// <summary>The kind's name.</summary>
    public const string KindName = "maf-workflow";

    /// <summary>The system call a run makes to run a registered MAF workflow.</summary>
    public const string RunAction = "maf-workflow.run";

    private const string RunStateName = "maf-run";

    private readonly Dictionary<string, MafWorkflowRegistration> _registrations = registrations.ToDictionary(r => r.Name, StringComparer.Ordinal);

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public async ValueTask<WorkflowStepOutcome> StartAsync(WorkflowStepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (ReadStepInput(context.Input) is not (string name, JsonElement input))
        {
            return WorkflowStepOutcome.Failed(
                $"A {KindName} step needs an input such as {{\"workflow\": \"<name>\", \"input\": ...}}, naming one of: {RegisteredNames()}.", final: true);
        }

        if (!_registrations.TryGetValue(name, out var registration))
        {
            return WorkflowStepOutcome.Failed($"No MAF workflow named '{name}' is registered; the registered ones are: {RegisteredNames()}.", final: true);
        }

        var priority = StepInput.Priority(context);
        var sessionId = context.IdempotencyKey;
        try
        {
            var record = new GrainState<MafRunRecord>();
            await storage.ReadStateAsync(RunStateName, RunKey(sessionId), record);
            record.State ??= new MafRunRecord();
            if (record.State.Outcome is { } finished)
            {
                return finished;
            }

            if (record.State.CheckpointId is not null)
            {
                return await RunAndRecordAsync(registration, input, sessionId, record, cancellationToken);
            }

            return await calls.RunAsync(
                context,
                RunAction,
                KindName + ":" + name,
                input.ValueKind == JsonValueKind.Undefined ? null : input,
                priority,
                (payload, token) => new ValueTask<WorkflowStepOutcome>(RunAndRecordAsync(registration, payload ?? default, sessionId, record, token)),
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.RunFailed(logger, name, sessionId, ex);
            return WorkflowStepOutcome.Failed($"MAF workflow '{name}' could not run: {ex.Message}");
        }
    }

    /// <summary>Runs the workflow (from its latest checkpoint, if it has one) and records its outcome for the attempt.</summary>
    private async Task<WorkflowStepOutcome> RunAndRecordAsync(
        MafWorkflowRegistration registration, JsonElement input, string sessionId, GrainState<MafRunRecord> record, CancellationToken cancellationToken)
    {
        var outcome = await RunAsync(registration, input, sessionId, record, cancellationToken);
        record.State!.Outcome = outcome;
        await storage.WriteStateAsync(RunStateName, RunKey(sessionId), record);

        // The attempt is answered from its recorded outcome from now on: its checkpoints will not be resumed from.
        try
        {
            await checkpoints.DeleteSessionAsync(sessionId);
        }
        catch (Exception ex)
        {
            Log.CheckpointsNotRemoved(logger, registration.Name, sessionId, ex);
        }

        return outcome;
    }

    private async Task<WorkflowStepOutcome> RunAsync(
        MafWorkflowRegistration registration, JsonElement input, string sessionId, GrainState<MafRunRecord> record, CancellationToken cancellationToken)
    {
        var workflow = registration.Factory(services);
        var environment = InProcessExecution.Lockstep.WithCheckpointing(
            CheckpointManager.CreateJson(checkpoints, registration.CheckpointSerializerOptions));

        StreamingRun run;
        if (record.State!.CheckpointId is { } checkpointId)
        {
            Log.Resuming(logger, registration.Name, sessionId, checkpointId);
            run = await environment.ResumeStreamingAsync(workflow, new CheckpointInfo(sessionId, checkpointId), cancellationToken);
        }
        else
        {
            if (await CheckProtocolAsync(registration, workflow, cancellationToken) is { } refused)
            {
                return refused;
            }

            if (!TryReadInput(registration, input, out var value))
            {
                return WorkflowStepOutcome.Failed(
                    $"The input of MAF workflow '{registration.Name}' must be a JSON {registration.InputType.Name}, not {Describe(input)}.", final: true);
            }

            Log.Starting(logger, registration.Name, sessionId);
            run = await registration.RunStreamingAsync(environment, workflow, value, sessionId, cancellationToken);
        }

        await using (run)
        {
            return await WatchAsync(registration, run, sessionId, record, cancellationToken);
        }
    }

    private async Task<WorkflowStepOutcome> WatchAsync(
        MafWorkflowRegistration registration, StreamingRun run, string sessionId, GrainState<MafRunRecord> record, CancellationToken cancellationToken)
    {
        var state = record.State!;
        var outputs = new List<string>();
        string? failure = null;
        await foreach (var evt in run.WatchStreamAsync(blockOnPendingRequest: false, cancellationToken))
        {
            switch (evt)
            {
                case WorkflowOutputEvent output when !output.IsIntermediate():
                    outputs.Add(JsonSerializer.Serialize(output.Data, output.Data?.GetType() ?? typeof(object), registration.SerializerOptions));
                    break;
                case ExecutorFailedEvent failed:
                    failure ??= $"MAF workflow '{registration.Name}' failed in executor '{failed.ExecutorId}': {failed.Data?.Message ?? "no reason given"}";
                    break;
                case WorkflowErrorEvent error:
                    failure ??= $"MAF workflow '{registration.Name}' failed: {Unwrap(error.Exception)?.Message ?? "no reason given"}";
                    break;
                case SuperStepCompletedEvent { CompletionInfo.Checkpoint: { } checkpoint }:
                    state.CheckpointId = checkpoint.CheckpointId;
                    state.Outputs.AddRange(outputs);
                    outputs.Clear();
                    await storage.WriteStateAsync(RunStateName, RunKey(sessionId), record);
                    break;
            }
        }

        // MAF ends the stream quietly when it is cancelled; the attempt is interrupted, not finished.
        cancellationToken.ThrowIfCancellationRequested();
        state.Outputs.AddRange(outputs);
        if (failure is not null)
        {
            return WorkflowStepOutcome.Failed(failure);
        }

        if (await run.GetStatusAsync(cancellationToken) == RunStatus.PendingRequests)
        {
            return WorkflowStepOutcome.Failed(
                $"MAF workflow '{registration.Name}' stopped to wait for an external response; workflows with request ports cannot run as {KindName} steps.",
                final: true);
        }

        return state.Outputs.Count switch
        {
            0 => WorkflowStepOutcome.Completed(),
            1 => WorkflowStepOutcome.CompletedJson(state.Outputs[0]),
            _ => WorkflowStepOutcome.CompletedJson($"[{string.Join(',', state.Outputs)}]"),
        };
    }

    /// <summary>Checks that the workflow's start executor takes the type the input is read as; answers the failure when it does not.</summary>
    private static async Task<WorkflowStepOutcome?> CheckProtocolAsync(MafWorkflowRegistration registration, Workflow workflow, CancellationToken cancellationToken)
    {
        var protocol = await workflow.DescribeProtocolAsync(cancellationToken);
        if (protocol.AcceptsAll || protocol.Accepts.Any(type => type.IsAssignableFrom(registration.InputType)))
        {
            return null;
        }

        return WorkflowStepOutcome.Failed(
            $"MAF workflow '{registration.Name}' is registered with input type {registration.InputType.Name}, but its start executor takes " +
            $"{string.Join(", ", protocol.Accepts.Select(type => type.Name))}; register it with one of those.",
            final: true);
    }

    private static bool TryReadInput(MafWorkflowRegistration registration, JsonElement input, [NotNullWhen(true)] out object? value)
    {
        try
        {
            value = input.ValueKind == JsonValueKind.Undefined ? null : registration.ReadInput(input);
        }
        catch (JsonException)
        {
            value = null;
        }

        return value is not null;
    }

    private static (string Name, JsonElement Input)? ReadStepInput(JsonElement? stepInput)
    {
        if (stepInput is not { ValueKind: JsonValueKind.Object } input
            || !input.TryGetProperty("workflow", out var name)
            || name.ValueKind != JsonValueKind.String
            || string.IsNullOrEmpty(name.GetString()))
        {
            return null;
        }

        return (name.GetString()!, input.TryGetProperty("input", out var value) ? value : default);
    }

    private static string Describe(JsonElement input) => input.ValueKind switch
    {
        JsonValueKind.Undefined => "nothing (the step input has no \"input\")",
        JsonValueKind.Null => "null",
        var kind => $"a JSON {kind.ToString().ToLowerInvariant()}",
    };

    private static Exception? Unwrap(Exception? exception) =>
        exception is TargetInvocationException { InnerException: { } inner } ? inner : exception;

    private string RegisteredNames() =>
        _registrations.Count == 0 ? "(none)" : string.Join(", ", _registrations.Keys.Order(StringComparer.Ordinal).Select(n => $"'{n}'"));

    private static GrainId RunKey(string sessionId) => GrainId.Create("aos-maf-run", sessionId);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Starting MAF workflow '{Workflow}' for step attempt {Session}.")]
        public static partial void Starting(ILogger logger, string workflow, string session);

        [LoggerMessage(2, LogLevel.Information, "Resuming MAF workflow '{Workflow}' for step attempt {Session} from checkpoint {Checkpoint}.")]
        public static partial void Resuming(ILogger logger, string workflow, string session, string checkpoint);

        [LoggerMessage(3, LogLevel.Warning, "MAF workflow '{Workflow}' could not run for step attempt {Session}.")]
        public static partial void RunFailed(ILogger logger, string workflow, string session, Exception exception);

        [LoggerMessage(4, LogLevel.Warning, "The checkpoints of MAF workflow '{Workflow}' for finished step attempt {Session} could not be removed; they stay, unused.")]
        public static partial void CheckpointsNotRemoved(ILogger logger, string workflow, string session, Exception exception);
    }
}
