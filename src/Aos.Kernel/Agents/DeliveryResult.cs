namespace Aos.Kernel.Agents;

/// <summary>Represents how an agent handled an event.</summary>
/// <param name="MessageId">The event's message id.</param>
/// <param name="Outcome"><c>handled</c>, <c>unhandled</c> (no handler took it; it is still recorded) or <c>failed</c>.</param>
/// <param name="Error">Why handling failed, when it did.</param>
/// <param name="Settled">Whether the turn that processed the message also marked it delivered (its <see cref="Aos.Messaging.DeliveryReceipt"/> was committed).</param>
[GenerateSerializer, Immutable, Alias("aos.delivery-result")]
public sealed record DeliveryResult([property: Id(0)] string MessageId, [property: Id(1)] string Outcome, [property: Id(2)] string? Error = null, [property: Id(3)] bool Settled = false);
