namespace Aos.Governance.Compliance;

/// <summary>Holds a framework with its controls compiled.</summary>
internal sealed class CompiledFramework(ComplianceFramework framework, CompiledControl[] controls)
{
    public ComplianceFramework Framework { get; } = framework;

    public IReadOnlyList<CompiledControl> Controls { get; } = controls;
}
