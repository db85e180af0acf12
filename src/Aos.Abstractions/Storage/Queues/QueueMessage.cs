namespace Aos.Storage;

/// <summary>Represents a message of an <see cref="IQueueStore"/> as received or peeked.</summary>
/// <param name="Id">The message's id.</param>
/// <param name="Body">The message body.</param>
/// <param name="DequeueCount">How many times the message was received, this receipt included.</param>
/// <param name="InsertedAt">When the message was enqueued.</param>
/// <param name="PopReceipt">The receipt that completes the message; <see langword="null"/> on a peeked message.</param>
public sealed record QueueMessage(string Id, string Body, int DequeueCount, DateTimeOffset InsertedAt, string? PopReceipt);
