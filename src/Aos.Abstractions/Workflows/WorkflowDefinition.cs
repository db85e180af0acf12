namespace Aos.Workflows;

/// <summary>Describes a workflow: a directed acyclic graph of steps; a step starts when every step it depends on has completed.</summary>
public sealed record WorkflowDefinition
{
    /// <summary>Gets the workflow's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what the workflow is for.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the steps.</summary>
    public required IReadOnlyList<WorkflowStep> Steps { get; init; }

    /// <summary>Gets whether a run starts over when every step completed.</summary>
    /// <remarks>
    /// The next iteration gets a fresh step history and the completed iteration's results as its input, so a perpetual workflow
    /// keeps bounded storage.
    /// </remarks>
    public bool ContinueAsNew { get; init; }

    /// <summary>Gets how many iterations a run that continues as new makes at most; unlimited when <see langword="null"/>.</summary>
    public int? MaxIterations { get; init; }
}

/// <summary>Describes one step of a workflow.</summary>
public sealed record WorkflowStep
{
    /// <summary>Gets the step's id, unique in its workflow.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the step's kind: <c>agent-request</c>, <c>publish</c>, <c>signal</c>, <c>approval</c>, <c>timer</c>, <c>workflow</c>, or a registered extension.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets the ids of the steps that must complete before this one starts.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Gets the step's input, a JSON object whose shape its kind defines.</summary>
    public string? Input { get; init; }

    /// <summary>Gets how many attempts the step gets before it fails; 1 by default.</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>Gets the delay before the second attempt; it doubles for each later one.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets how long one attempt may take before it counts as failed, if limited.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gets the step that undoes this one when the workflow fails after it completed (a saga), if any.</summary>
    public WorkflowCompensation? Compensation { get; init; }
}

/// <summary>Undoes a completed step when its workflow fails.</summary>
/// <param name="Kind">The compensating step's kind.</param>
/// <param name="Input">Its input, a JSON object.</param>
public sealed record WorkflowCompensation(string Kind, string? Input);
