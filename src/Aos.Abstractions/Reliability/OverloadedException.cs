namespace Aos.Reliability;

/// <summary>Represents work refused because the node is overloaded: it sheds work of this priority until load falls.</summary>
/// <remarks>Nothing was done: the caller may retry after <see cref="RetryAfter"/>, or send critical work, which is shed last.</remarks>
[GenerateSerializer, Alias("aos.overloaded-exception")]
public sealed class OverloadedException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="OverloadedException"/> class.</summary>
    public OverloadedException() { }

    /// <summary>Initializes a new instance of the <see cref="OverloadedException"/> class with a message.</summary>
    /// <param name="message">The load, the priority refused and when to retry.</param>
    public OverloadedException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="OverloadedException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public OverloadedException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets the priority of the refused work.</summary>
    [Id(0)] public Messaging.MessagePriority Priority { get; init; }

    /// <summary>Gets the load when the work was refused, as a fraction of capacity (0.95 is 95 %).</summary>
    [Id(1)] public double Load { get; init; }

    /// <summary>Gets how long the caller should wait before trying again.</summary>
    [Id(2)] public TimeSpan RetryAfter { get; init; }
}
