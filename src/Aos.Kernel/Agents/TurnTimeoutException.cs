namespace Aos.Kernel.Agents;

/// <summary>Represents a handler attempt cut by <see cref="KernelOptions.TurnTimeout"/>.</summary>
[GenerateSerializer, Alias("aos.turn-timeout-exception")]
public sealed class TurnTimeoutException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="TurnTimeoutException"/> class.</summary>
    public TurnTimeoutException() { }

    /// <summary>Initializes a new instance of the <see cref="TurnTimeoutException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public TurnTimeoutException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="TurnTimeoutException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TurnTimeoutException(string message, Exception? innerException) : base(message, innerException) { }
}
