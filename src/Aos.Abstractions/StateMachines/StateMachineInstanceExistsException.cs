namespace Aos.StateMachines;

/// <summary>Represents a request to create a state machine instance whose id is taken.</summary>
[GenerateSerializer, Alias("aos.sm-instance-exists-exception")]
public sealed class StateMachineInstanceExistsException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="StateMachineInstanceExistsException"/> class.</summary>
    public StateMachineInstanceExistsException() { }

    /// <summary>Initializes a new instance of the <see cref="StateMachineInstanceExistsException"/> class with a message.</summary>
    /// <param name="message">Which instance exists, and what to do.</param>
    public StateMachineInstanceExistsException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="StateMachineInstanceExistsException"/> class with a message and a cause.</summary>
    /// <param name="message">Which instance exists, and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public StateMachineInstanceExistsException(string message, Exception? innerException) : base(message, innerException) { }
}
