namespace Aos.Messaging;

/// <summary>Tells what a transport did with a message it was given.</summary>
public enum EnqueueOutcome
{
    /// <summary>The message is durable and will be delivered.</summary>
    Accepted = 0,

    /// <summary>A message with the same id for the same recipient is already known; nothing changed.</summary>
    Duplicate = 1,

    /// <summary>The recipient's inbox is full of messages at least as urgent; nothing changed.</summary>
    Refused = 2,

    /// <summary>
    /// The message is durable and will be delivered; to make room in the recipient's full inbox, a less urgent waiting message was
    /// dead-lettered as <see cref="DeadLetterReasons.Shed"/>.
    /// </summary>
    AcceptedShedding = 3,
}
