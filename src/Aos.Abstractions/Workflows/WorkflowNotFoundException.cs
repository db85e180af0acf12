namespace Aos.Workflows;

/// <summary>Represents a workflow definition or run that does not exist.</summary>
[GenerateSerializer, Alias("aos.workflow-not-found-exception")]
public sealed class WorkflowNotFoundException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="WorkflowNotFoundException"/> class.</summary>
    public WorkflowNotFoundException() { }

    /// <summary>Initializes a new instance of the <see cref="WorkflowNotFoundException"/> class with a message.</summary>
    /// <param name="message">What was refused or missing, and why.</param>
    public WorkflowNotFoundException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="WorkflowNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">What was refused or missing, and why.</param>
    /// <param name="innerException">The cause.</param>
    public WorkflowNotFoundException(string message, Exception? innerException) : base(message, innerException) { }
}
