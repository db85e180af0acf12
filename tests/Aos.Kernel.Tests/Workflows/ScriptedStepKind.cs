using System.Collections.Concurrent;
using System.Text.Json;
using Aos.Workflows;

namespace Aos.Kernel.Tests.Workflows;

/// <summary>
/// A step kind the tests script per run and step: it records every call (<c>step</c>, <c>step/undo</c> for a compensation) and answers
/// what the script says, by default a completed result naming the step and the attempt.
/// </summary>
internal sealed class ScriptedStepKind(ILocalSiloDetails silo) : IWorkflowStepKind
{
    public const string Name = "scripted";

    private static readonly ConcurrentDictionary<string, Func<WorkflowStepContext, ValueTask<WorkflowStepOutcome>>> Scripts = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Calls = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, SiloAddress> Silos = new(StringComparer.Ordinal);

    public string Kind => Name;

    /// <summary>Sets what a step of a run answers.</summary>
    public static void Script(string runId, string stepId, Func<WorkflowStepContext, ValueTask<WorkflowStepOutcome>> script) => Scripts[runId + "/" + stepId] = script;

    /// <summary>Gets the calls made for a run, in order.</summary>
    public static IReadOnlyList<string> CallsOf(string runId) => [.. Calls.GetOrAdd(runId, _ => new ConcurrentQueue<string>())];

    /// <summary>Gets the silo that last ran a step of a run.</summary>
    public static SiloAddress? SiloOf(string runId, string stepId) => Silos.GetValueOrDefault(runId + "/" + stepId);

    public ValueTask<WorkflowStepOutcome> StartAsync(WorkflowStepContext context, CancellationToken cancellationToken = default)
    {
        Silos[context.RunId + "/" + context.StepId] = silo.SiloAddress;
        Calls.GetOrAdd(context.RunId, _ => new ConcurrentQueue<string>()).Enqueue(context.StepId + (context.Compensating ? "/undo" : string.Empty));
        return Scripts.TryGetValue(context.RunId + "/" + context.StepId + (context.Compensating ? "/undo" : string.Empty), out var script)
            ? script(context)
            : ValueTask.FromResult(WorkflowStepOutcome.Completed(JsonSerializer.SerializeToElement(new { step = context.StepId, attempt = context.Attempt, deps = context.DependencyResults.Keys.Order().ToArray() })));
    }
}
