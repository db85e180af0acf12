namespace Aos.Messaging;

/// <summary>
/// Identifies one delivery of a transport that settles in the recipient's turn (<see cref="ITurnSettledTransport"/>): the turn that
/// processes the message marks it delivered in its own transaction.
/// </summary>
/// <param name="Sequence">The message's <see cref="TransportMessage.Sequence"/>.</param>
/// <param name="Attempts">The attempt count to record with the delivered mark (attempts before this one, plus this one).</param>
/// <param name="MayBeProcessed">
/// Whether a turn may have processed the message without settling it (it was pending before the transport started); the recipient then
/// checks its processed-message log first. A message enqueued since the transport started is pending only until a turn processes it.
/// </param>
[GenerateSerializer, Immutable, Alias("aos.delivery-receipt")]
public sealed record DeliveryReceipt([property: Id(0)] long Sequence, [property: Id(1)] int Attempts, [property: Id(2)] bool MayBeProcessed);
