namespace Aos.StateMachines;

/// <summary>Represents a request for a state machine, or an instance of one, that does not exist.</summary>
[GenerateSerializer, Alias("aos.sm-not-found-exception")]
public sealed class StateMachineNotFoundException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="StateMachineNotFoundException"/> class.</summary>
    public StateMachineNotFoundException() { }

    /// <summary>Initializes a new instance of the <see cref="StateMachineNotFoundException"/> class with a message.</summary>
    /// <param name="message">What was not found, and what to do.</param>
    public StateMachineNotFoundException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="StateMachineNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">What was not found, and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public StateMachineNotFoundException(string message, Exception? innerException) : base(message, innerException) { }
}
