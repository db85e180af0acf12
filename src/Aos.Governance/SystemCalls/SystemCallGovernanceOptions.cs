namespace Aos.Governance.SystemCalls;

/// <summary>Configures the governance stages of the system-call pipeline: policy holds and auditing.</summary>
public sealed class SystemCallGovernanceOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Governance:SystemCalls";

    /// <summary>Gets or sets how long a call held for approval waits for the decision before it is answered "held".</summary>
    /// <value>The default is 20 seconds, below the 30-second turn timeout of an agent's handler and the HTTP request timeout.</value>
    /// <remarks>A held call that is repeated with the same id (message id, <c>Idempotency-Key</c>) waits for the same approval again.</remarks>
    public TimeSpan HoldWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Gets or sets how long approvers have to decide when the rule that requires approval names no timeout.</summary>
    /// <value>The default is 24 hours; then the approval expires and the call is refused.</value>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets a value indicating whether a call waits until its audit entry is durable.</summary>
    /// <value>
    /// The default is <see langword="false"/>: the entry joins the audit log's next batch and the call goes on, so a crash can lose the
    /// entries of the last batch (milliseconds); while the log is backlogged (<see cref="Audit.IAuditLog.IsBacklogged"/>) calls wait anyway,
    /// so the queue of unwritten entries stays bounded. <see langword="true"/> makes every call wait for its batch to commit.
    /// </value>
    public bool WaitForAudit { get; set; }

    /// <summary>Throws when an option is out of range, naming it.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        if (HoldWait < TimeSpan.Zero)
        {
            throw new ArgumentException($"SystemCallGovernanceOptions.HoldWait must not be negative; it is {HoldWait}.", nameof(HoldWait));
        }

        if (ApprovalTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"SystemCallGovernanceOptions.ApprovalTimeout must be positive; it is {ApprovalTimeout}.", nameof(ApprovalTimeout));
        }
    }
}
