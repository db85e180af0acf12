namespace Aos;

/// <summary>Represents input that AOS refuses: it says what was wrong and how to fix it. Nothing was changed.</summary>
[GenerateSerializer, Alias("aos.validation-exception")]
public sealed class AosValidationException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="AosValidationException"/> class.</summary>
    public AosValidationException() { }

    /// <summary>Initializes a new instance of the <see cref="AosValidationException"/> class with a message.</summary>
    /// <param name="message">What was wrong and how to fix it.</param>
    public AosValidationException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="AosValidationException"/> class with a message and a cause.</summary>
    /// <param name="message">What was wrong and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public AosValidationException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets or initializes the name of the input that was wrong, when there is one.</summary>
    [Id(0)] public string? Field { get; init; }

    /// <summary>Gets or initializes a value indicating whether the input was refused for its size.</summary>
    [Id(1)] public bool TooLarge { get; init; }
}
