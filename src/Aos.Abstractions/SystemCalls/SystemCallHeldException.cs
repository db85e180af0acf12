namespace Aos.SystemCalls;

/// <summary>Represents a system call held for an approval that was not decided within the wait; nothing was done yet.</summary>
/// <remarks>Repeat the same call (with the same id) once the approval is decided: an approved repeat runs, a denied one is refused.</remarks>
[GenerateSerializer, Alias("aos.system-call-held-exception")]
public sealed class SystemCallHeldException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="SystemCallHeldException"/> class.</summary>
    public SystemCallHeldException() { }

    /// <summary>Initializes a new instance of the <see cref="SystemCallHeldException"/> class.</summary>
    /// <param name="message">Which approval holds the call and what to do.</param>
    public SystemCallHeldException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="SystemCallHeldException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SystemCallHeldException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets the approval that holds the call.</summary>
    [Id(0)] public string? ApprovalId { get; init; }
}
