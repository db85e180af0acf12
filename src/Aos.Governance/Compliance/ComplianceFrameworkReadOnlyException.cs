namespace Aos.Governance.Compliance;

/// <summary>Represents a refused change to a built-in compliance framework: built-in frameworks ship with AOS and cannot be replaced or deleted.</summary>
public sealed class ComplianceFrameworkReadOnlyException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="ComplianceFrameworkReadOnlyException"/> class.</summary>
    public ComplianceFrameworkReadOnlyException() { }

    /// <summary>Initializes a new instance of the <see cref="ComplianceFrameworkReadOnlyException"/> class for a framework.</summary>
    /// <param name="framework">The built-in framework's id.</param>
    public ComplianceFrameworkReadOnlyException(string framework)
        : base($"'{framework}' is a built-in compliance framework and cannot be replaced or deleted; give a custom framework another id, such as '{framework}-custom'.") =>
        Framework = framework;

    /// <summary>Initializes a new instance of the <see cref="ComplianceFrameworkReadOnlyException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ComplianceFrameworkReadOnlyException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets the built-in framework's id.</summary>
    public string? Framework { get; }
}
