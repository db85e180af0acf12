namespace Aos.Storage;

/// <summary>Configures one <see cref="IQueueStore"/>.</summary>
public sealed class QueueStoreOptions
{
    /// <summary>Gets or sets how many times a message may be received without being completed before it is dead-lettered.</summary>
    /// <value>The default is 5; at least 1.</value>
    public int MaxDequeueCount { get; set; } = 5;
}
