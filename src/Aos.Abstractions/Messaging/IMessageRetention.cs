namespace Aos.Messaging;

/// <summary>Forgets delivered messages after a while, so a transport's records stay bounded; implemented by transports that keep them.</summary>
public interface IMessageRetention
{
    /// <summary>Forgets delivered messages older than a time; pending messages and dead letters are kept.</summary>
    /// <param name="before">The oldest delivery time to keep.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many records were removed.</returns>
    ValueTask<int> PruneDeliveredAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>Forgets dead letters that were dead-lettered before a time; pending and delivered messages are kept.</summary>
    /// <remarks>Called only when an operator sets <see cref="MessageBusOptions.DeadLetterRetention"/>: by default a dead letter stays until it is replayed or discarded.</remarks>
    /// <param name="before">The oldest dead-lettering time to keep.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many dead letters were removed.</returns>
    ValueTask<int> PruneDeadLettersAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
