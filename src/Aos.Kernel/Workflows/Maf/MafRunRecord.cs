using Aos.Workflows;

namespace Aos.Kernel.Workflows.Maf;

/// <summary>
/// What a <c>maf-workflow</c> step attempt has done so far: the checkpoint to resume from with the outputs yielded up to it, and, once
/// finished, the outcome.
/// </summary>
/// <remarks>The checkpoint and the outputs before it are written together, so a resume never loses an output nor repeats one.</remarks>
[GenerateSerializer, Alias("aos.maf-run")]
internal sealed class MafRunRecord
{
    /// <summary>Gets or sets the id of the checkpoint to resume from, or <see langword="null"/> before the first one.</summary>
    [Id(0)] public string? CheckpointId { get; set; }

    /// <summary>Gets the outputs, as JSON, yielded up to <see cref="CheckpointId"/>.</summary>
    [Id(1)] public List<string> Outputs { get; set; } = [];

    /// <summary>Gets or sets the outcome of the finished attempt.</summary>
    [Id(2)] public WorkflowStepOutcome? Outcome { get; set; }
}
