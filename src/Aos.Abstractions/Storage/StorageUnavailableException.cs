namespace Aos.Storage;

/// <summary>Represents a storage operation that failed because its backend could not be reached or did not answer in time, after bounded retries. Nothing was changed by the failed attempt.</summary>
/// <remarks>The caller may retry later; operations are atomic, so a failed write left no partial state.</remarks>
[GenerateSerializer, Alias("aos.storage-unavailable-exception")]
public sealed class StorageUnavailableException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="StorageUnavailableException"/> class.</summary>
    public StorageUnavailableException() { }

    /// <summary>Initializes a new instance of the <see cref="StorageUnavailableException"/> class with a message.</summary>
    /// <param name="message">Which backend failed and what to check.</param>
    public StorageUnavailableException(string message) : base(message) { }

    /// <summary>Initializes a new instance of the <see cref="StorageUnavailableException"/> class with a message and a cause.</summary>
    /// <param name="message">Which backend failed and what to check.</param>
    /// <param name="innerException">The last error from the backend.</param>
    public StorageUnavailableException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets or initializes the backend's name (<c>sqlite</c>, <c>postgres</c>, <c>azure</c>).</summary>
    [Id(0)] public string? Backend { get; init; }
}
