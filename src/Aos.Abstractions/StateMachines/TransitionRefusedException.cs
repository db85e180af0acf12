namespace Aos.StateMachines;

/// <summary>Represents an event that a state machine instance refused: it says why; the instance did not change.</summary>
[GenerateSerializer, Alias("aos.sm-transition-refused-exception")]
public sealed class TransitionRefusedException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="TransitionRefusedException"/> class.</summary>
    public TransitionRefusedException() { }

    /// <summary>Initializes a new instance of the <see cref="TransitionRefusedException"/> class with a message.</summary>
    /// <param name="message">Why the event was refused.</param>
    public TransitionRefusedException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="TransitionRefusedException"/> class with a message and a cause.</summary>
    /// <param name="message">Why the event was refused.</param>
    /// <param name="innerException">The cause, such as a hook that threw.</param>
    public TransitionRefusedException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets or initializes the state the instance was (and is still) in.</summary>
    [Id(0)] public string? State { get; init; }

    /// <summary>Gets or initializes the refused event.</summary>
    [Id(1)] public string? Event { get; init; }
}
