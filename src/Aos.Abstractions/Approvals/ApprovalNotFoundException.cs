namespace Aos.Approvals;

/// <summary>Represents a request about an approval that does not exist.</summary>
[GenerateSerializer, Alias("aos.approval-not-found-exception")]
public sealed class ApprovalNotFoundException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="ApprovalNotFoundException"/> class.</summary>
    public ApprovalNotFoundException() { }

    /// <summary>Initializes a new instance of the <see cref="ApprovalNotFoundException"/> class with a message.</summary>
    /// <param name="message">Which approval.</param>
    public ApprovalNotFoundException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="ApprovalNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">Which approval.</param>
    /// <param name="innerException">The cause.</param>
    public ApprovalNotFoundException(string message, Exception? innerException) : base(message, innerException) { }
}
