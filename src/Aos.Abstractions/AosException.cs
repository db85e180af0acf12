namespace Aos;

/// <summary>
/// Represents an error raised by AOS. Subclasses carry the data a caller needs to act on it.
/// </summary>
/// <remarks>Messages may leave the process (HTTP problem details, CLI output): they never contain secrets or raw payloads.</remarks>
[GenerateSerializer, Alias("aos.exception")]
public class AosException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="AosException"/> class.</summary>
    public AosException() { }

    /// <summary>Initializes a new instance of the <see cref="AosException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public AosException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="AosException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public AosException(string message, Exception? innerException) : base(message, innerException) { }
}
