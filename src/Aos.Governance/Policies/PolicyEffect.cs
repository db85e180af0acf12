namespace Aos.Governance.Policies;

/// <summary>Specifies what a policy rule does to a system call it matches.</summary>
/// <remarks>When several rules match, deny overrides require-approval, which overrides redact, which overrides allow.</remarks>
public enum PolicyEffect
{
    /// <summary>The call goes ahead.</summary>
    Allow,

    /// <summary>The call is refused.</summary>
    Deny,

    /// <summary>The call is held until an approver decides.</summary>
    RequireApproval,

    /// <summary>The call goes ahead with the rule's fields removed from its payload before it is stored or forwarded.</summary>
    Redact,
}
