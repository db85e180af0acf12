namespace Aos.SystemCalls;

/// <summary>Represents a system call that policy refused, outright or by the decision on the approval it was held for. Nothing was done.</summary>
[GenerateSerializer, Alias("aos.system-call-denied-exception")]
public sealed class SystemCallDeniedException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="SystemCallDeniedException"/> class.</summary>
    public SystemCallDeniedException() { }

    /// <summary>Initializes a new instance of the <see cref="SystemCallDeniedException"/> class.</summary>
    /// <param name="message">Why the call was refused, naming the rule.</param>
    public SystemCallDeniedException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="SystemCallDeniedException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SystemCallDeniedException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets the refused action.</summary>
    [Id(0)] public string? Action { get; init; }

    /// <summary>Gets the id of the rule that refused it, when a rule did.</summary>
    [Id(1)] public string? RuleId { get; init; }

    /// <summary>Gets the approval whose decision refused it, when the call was held for one.</summary>
    [Id(2)] public string? ApprovalId { get; init; }
}
