namespace Aos.Messaging;

/// <summary>Configures the message bus: retries, expiry, de-duplication and backpressure. Bound from <c>Aos:Bus</c>.</summary>
public sealed class MessageBusOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Bus";

    /// <summary>Gets or sets how many delivery attempts a message gets before it is dead-lettered.</summary>
    /// <value>The default is 10.</value>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Gets or sets the delay before the first redelivery; later ones double, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    /// <value>The default is 100 milliseconds.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets the longest delay between two delivery attempts.</summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long a message lives when its sender sets no expiry; an expired message is dead-lettered.</summary>
    /// <value>The default is 300 seconds.</value>
    public TimeSpan DefaultTimeToLive { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Gets or sets how long a receiver remembers a processed message id, and how long delivered messages stay visible.</summary>
    /// <value>The default is 24 hours.</value>
    public TimeSpan DeduplicationWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets how long a dead letter is kept before it is removed, or <see langword="null"/> to keep it until it is replayed or discarded.</summary>
    /// <value>The default is <see langword="null"/>: a dead letter is never removed unasked. Each removal is logged with its count.</value>
    public TimeSpan? DeadLetterRetention { get; set; }

    /// <summary>
    /// Gets or sets how long a conversation that waits for nothing (completed, or requiring no sign-off) is kept after its last change, or
    /// <see langword="null"/> to keep every conversation.
    /// </summary>
    /// <value>The default is <see langword="null"/>. Each removal is logged with its count.</value>
    public TimeSpan? ConversationRetention { get; set; }

    /// <summary>Gets or sets how many messages may wait in one agent's inbox; beyond it, less urgent messages are shed or refused.</summary>
    /// <value>The default is 10,000.</value>
    public int InboxCapacity { get; set; } = 10_000;

    /// <summary>Gets or sets how long a sender refused by a full inbox is told to wait before trying again.</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan RefusalRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many deliveries the dispatcher runs at once on a node.</summary>
    /// <value>The default is 512.</value>
    public int MaxConcurrentDeliveries { get; set; } = 512;

    /// <summary>Gets or sets how many queued messages of one conversation (or sender) an agent may process in one turn commit.</summary>
    /// <remarks>
    /// Only consecutive, never-attempted messages of one lane with the same priority are batched, so order and priority hold. A batch
    /// commits all or nothing: if one of its messages fails, none is kept and each is then delivered on its own.
    /// </remarks>
    /// <value>The default is 32.</value>
    public int MaxDeliveryBatch { get; set; } = 32;

    /// <summary>Checks the options and lists what is wrong, naming each option.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IEnumerable<string> Validate()
    {
        if (MaxAttempts < 1)
        {
            yield return $"Aos:Bus:MaxAttempts is {MaxAttempts}; it must be at least 1.";
        }

        if (RetryBaseDelay < TimeSpan.Zero || MaxRetryDelay < RetryBaseDelay)
        {
            yield return "Aos:Bus:RetryBaseDelay must not be negative and Aos:Bus:MaxRetryDelay must not be shorter than it.";
        }

        if (DefaultTimeToLive <= TimeSpan.Zero)
        {
            yield return $"Aos:Bus:DefaultTimeToLive is {DefaultTimeToLive}; it must be positive.";
        }

        if (DeduplicationWindow <= TimeSpan.Zero)
        {
            yield return $"Aos:Bus:DeduplicationWindow is {DeduplicationWindow}; it must be positive.";
        }

        if (DeadLetterRetention <= TimeSpan.Zero)
        {
            yield return $"Aos:Bus:DeadLetterRetention is {DeadLetterRetention}; it must be positive, or left unset to keep dead letters until they are replayed or discarded.";
        }

        if (ConversationRetention <= TimeSpan.Zero)
        {
            yield return $"Aos:Bus:ConversationRetention is {ConversationRetention}; it must be positive, or left unset to keep every conversation.";
        }

        if (InboxCapacity < 1)
        {
            yield return $"Aos:Bus:InboxCapacity is {InboxCapacity}; it must be at least 1.";
        }

        if (MaxDeliveryBatch < 1)
        {
            yield return $"Aos:Bus:MaxDeliveryBatch is {MaxDeliveryBatch}; it must be at least 1.";
        }

        if (MaxConcurrentDeliveries < 1)
        {
            yield return $"Aos:Bus:MaxConcurrentDeliveries is {MaxConcurrentDeliveries}; it must be at least 1.";
        }
    }
}
