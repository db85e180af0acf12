namespace Aos.Governance.Policies;

/// <summary>Specifies the risk level a system call carries, from the lowest to the highest.</summary>
public enum PolicyRiskLevel
{
    /// <summary>A low risk: the default.</summary>
    Low,

    /// <summary>A medium risk.</summary>
    Medium,

    /// <summary>A high risk.</summary>
    High,

    /// <summary>A critical risk.</summary>
    Critical,
}
