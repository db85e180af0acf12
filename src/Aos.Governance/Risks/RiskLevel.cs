namespace Aos.Governance.Risks;

/// <summary>Specifies how serious a risk is, from its score (likelihood × impact).</summary>
public enum RiskLevel
{
    /// <summary>A score of 1 to 4.</summary>
    Low,

    /// <summary>A score of 5 to 9.</summary>
    Medium,

    /// <summary>A score of 10 to 16.</summary>
    High,

    /// <summary>A score above 16.</summary>
    Critical,
}
