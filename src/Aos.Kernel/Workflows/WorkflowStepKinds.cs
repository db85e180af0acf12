using Aos.Workflows;

namespace Aos.Kernel.Workflows;

/// <summary>Finds the registered step kinds by name.</summary>
/// <param name="kinds">The registered kinds; a later registration of a name replaces an earlier one.</param>
public sealed class WorkflowStepKinds(IEnumerable<IWorkflowStepKind> kinds)
{
    private readonly Dictionary<string, IWorkflowStepKind> _byName = kinds.GroupBy(k => k.Kind, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    /// <summary>Finds a kind.</summary>
    /// <param name="kind">The kind's name.</param>
    /// <returns>The kind, or <see langword="null"/>.</returns>
    public IWorkflowStepKind? Find(string kind) => _byName.GetValueOrDefault(kind);
}
