namespace Aos.SystemCalls;

/// <summary>Represents a system call whose caller lacks the permission it requires. Nothing was done.</summary>
[GenerateSerializer, Alias("aos.system-call-forbidden-exception")]
public sealed class SystemCallForbiddenException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="SystemCallForbiddenException"/> class.</summary>
    public SystemCallForbiddenException() { }

    /// <summary>Initializes a new instance of the <see cref="SystemCallForbiddenException"/> class.</summary>
    /// <param name="message">Which permission is missing.</param>
    public SystemCallForbiddenException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="SystemCallForbiddenException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SystemCallForbiddenException(string message, Exception? innerException) : base(message, innerException) { }
}
