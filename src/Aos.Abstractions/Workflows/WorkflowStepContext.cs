using System.Text.Json;

namespace Aos.Workflows;

/// <summary>Describes one attempt of a workflow step to the kind that runs it.</summary>
public sealed record WorkflowStepContext
{
    /// <summary>Gets the run id.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the workflow's name.</summary>
    public required string Workflow { get; init; }

    /// <summary>Gets the tenant of the run: what the step does (messages, child runs, approvals) happens in it.</summary>
    /// <value>The default is <see cref="Security.AosTenants.Default"/>.</value>
    public string Tenant { get; init; } = Security.AosTenants.Default;

    /// <summary>Gets the step id.</summary>
    public required string StepId { get; init; }

    /// <summary>Gets the attempt, from 1.</summary>
    public required int Attempt { get; init; }

    /// <summary>Gets when the attempt started (the same when it is started again after a crash).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets the iteration of a run that continues as new, from 0.</summary>
    public int Iteration { get; init; }

    /// <summary>Gets the step's input as written in the definition, a JSON object, if any.</summary>
    public JsonElement? Input { get; init; }

    /// <summary>Gets the run's input, if any.</summary>
    public JsonElement? RunInput { get; init; }

    /// <summary>Gets the results of the steps this one depends on, by step id.</summary>
    public IReadOnlyDictionary<string, JsonElement?> DependencyResults { get; init; } = new Dictionary<string, JsonElement?>();

    /// <summary>Gets whether this call runs the step's compensation rather than the step.</summary>
    public bool Compensating { get; init; }

    /// <summary>Gets the key that names this attempt uniquely, for idempotent side effects: <c>&lt;run&gt;.&lt;step&gt;.&lt;attempt&gt;</c> (plus <c>.undo</c> for a compensation, and <c>.i&lt;n&gt;</c> after the first iteration).</summary>
    public string IdempotencyKey =>
        $"{RunId}.{StepId}.{Attempt}{(Iteration > 0 ? $".i{Iteration}" : string.Empty)}{(Compensating ? ".undo" : string.Empty)}";
}
