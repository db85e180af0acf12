namespace Aos.Governance.Audit;

/// <summary>Specifies how much attention an audit entry deserves.</summary>
public enum AuditLevel
{
    /// <summary>A routine action.</summary>
    Info,

    /// <summary>An action worth a look: a refusal, an unusual grant.</summary>
    Warning,

    /// <summary>An action that needs attention: a security-relevant change or failure.</summary>
    Critical,
}
