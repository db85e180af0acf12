namespace Aos.Approvals;

/// <summary>Represents a decision or comment that an approval refused (not an approver now, already decided, voted twice); nothing changed.</summary>
[GenerateSerializer, Alias("aos.approval-refused-exception")]
public sealed class ApprovalRefusedException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="ApprovalRefusedException"/> class.</summary>
    public ApprovalRefusedException() { }

    /// <summary>Initializes a new instance of the <see cref="ApprovalRefusedException"/> class with a message.</summary>
    /// <param name="message">Why it was refused.</param>
    public ApprovalRefusedException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="ApprovalRefusedException"/> class with a message and a cause.</summary>
    /// <param name="message">Why it was refused.</param>
    /// <param name="innerException">The cause.</param>
    public ApprovalRefusedException(string message, Exception? innerException) : base(message, innerException) { }
}
