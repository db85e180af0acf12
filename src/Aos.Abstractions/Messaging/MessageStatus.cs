namespace Aos.Messaging;

/// <summary>Tells where a message is on its way to one recipient.</summary>
public enum MessageStatus
{
    /// <summary>Accepted and durable; not yet processed by the recipient (waiting, in flight, or backing off before a retry).</summary>
    Pending = 0,

    /// <summary>Processed by the recipient, whose new state is durable.</summary>
    Delivered = 1,

    /// <summary>Moved to the dead-letter queue, with the reason; it can be replayed.</summary>
    DeadLettered = 2,
}
