namespace Aos.Governance.Risks;

/// <summary>Specifies where a risk is in its life cycle.</summary>
/// <remarks>
/// <see cref="Accepted"/> and <see cref="Closed"/> end the cycle: such a risk is read-only and no longer due for review until it is
/// reopened (set back to <see cref="Assessed"/>).
/// </remarks>
public enum RiskStatus
{
    /// <summary>The risk was recorded and not assessed yet.</summary>
    Identified,

    /// <summary>The risk was assessed: its likelihood and impact are considered.</summary>
    Assessed,

    /// <summary>Mitigations are in place or under way.</summary>
    Mitigating,

    /// <summary>The risk is accepted as it is.</summary>
    Accepted,

    /// <summary>The risk no longer applies.</summary>
    Closed,
}
