namespace Aos.Workflows;

/// <summary>Represents a workflow run operation refused in the run's current state (a cancel after it finished, a signal to a finished run); nothing changed.</summary>
[GenerateSerializer, Alias("aos.workflow-run-refused-exception")]
public sealed class WorkflowRunRefusedException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="WorkflowRunRefusedException"/> class.</summary>
    public WorkflowRunRefusedException() { }

    /// <summary>Initializes a new instance of the <see cref="WorkflowRunRefusedException"/> class with a message.</summary>
    /// <param name="message">What was refused or missing, and why.</param>
    public WorkflowRunRefusedException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="WorkflowRunRefusedException"/> class with a message and a cause.</summary>
    /// <param name="message">What was refused or missing, and why.</param>
    /// <param name="innerException">The cause.</param>
    public WorkflowRunRefusedException(string message, Exception? innerException) : base(message, innerException) { }
}
