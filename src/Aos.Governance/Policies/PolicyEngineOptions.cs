namespace Aos.Governance.Policies;

/// <summary>Represents the options of the <see cref="PolicyEngine"/>.</summary>
public sealed class PolicyEngineOptions
{
    /// <summary>Gets or sets the effect when no rule matches a call: <see cref="PolicyEffect.Allow"/> or <see cref="PolicyEffect.Deny"/>.</summary>
    /// <value>
    /// The default is <see cref="PolicyEffect.Allow"/>: policies restrict what access control already grants. Set
    /// <see cref="PolicyEffect.Deny"/> for deny-by-default, where only calls an allow rule matches go ahead.
    /// </value>
    public PolicyEffect DefaultEffect { get; set; } = PolicyEffect.Allow;
}
