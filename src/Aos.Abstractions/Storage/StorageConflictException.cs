namespace Aos.Storage;

/// <summary>Represents a conditional storage operation whose condition did not hold: the item exists already, is gone, or has another ETag. Nothing was changed.</summary>
[GenerateSerializer, Alias("aos.storage-conflict-exception")]
public sealed class StorageConflictException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="StorageConflictException"/> class.</summary>
    public StorageConflictException() { }

    /// <summary>Initializes a new instance of the <see cref="StorageConflictException"/> class with a message.</summary>
    /// <param name="message">What conflicted and how to resolve it (read the item again and retry).</param>
    public StorageConflictException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="StorageConflictException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StorageConflictException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for an item that exists already.</summary>
    /// <param name="what">The item, as the message names it (<c>entity 'p'/'r'</c>).</param>
    /// <returns>The exception.</returns>
    public static StorageConflictException Exists(string what) => new($"The {what} exists already. Read it and update it with its ETag, or choose another key.");

    /// <summary>Creates the exception for an item that is missing or has another ETag than the one required.</summary>
    /// <param name="what">The item, as the message names it.</param>
    /// <param name="ifMatch">The ETag that was required.</param>
    /// <returns>The exception.</returns>
    public static StorageConflictException Changed(string what, string ifMatch) =>
        new($"The {what} does not have ETag '{ifMatch}': it was changed or deleted since it was read. Read it again and retry.");
}
