using Aos.Workflows;

namespace Aos.Kernel.Workflows;

/// <summary>What a run grain persists: the run, the version of its definition, its input, and signals not yet taken.</summary>
[GenerateSerializer, Alias("aos.workflow-run-state")]
internal sealed class WorkflowRunState
{
    [Id(0)] public WorkflowRun? Run { get; set; }

    /// <summary>Gets or sets the definition's version (content hash).</summary>
    [Id(1)] public string Definition { get; set; } = string.Empty;

    /// <summary>Gets or sets the input: JSON text, or a <c>sha256:</c> reference to it.</summary>
    [Id(2)] public string? Input { get; set; }

    /// <summary>Gets or sets the signals that arrived before a step waited for them, by name, oldest first.</summary>
    [Id(3)] public Dictionary<string, List<string?>> Signals { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets when the run's reminder is registered to fire, if it is.</summary>
    [Id(4)] public DateTimeOffset? ReminderAt { get; set; }

    /// <summary>Gets or sets whether the parent of a finished child run has been told.</summary>
    [Id(5)] public bool ParentNotified { get; set; }

    /// <summary>Gets or sets whether the run holds a slot under the limit on running workflows.</summary>
    [Id(6)] public bool Admitted { get; set; }

    /// <summary>Gets or sets the parent step of a child run.</summary>
    [Id(7)] public WorkflowStepAddress? Parent { get; set; }
}
