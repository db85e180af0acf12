namespace Aos.Messaging;

/// <summary>Answers where messages stand, lists dead letters and replays them: the operator side of a transport.</summary>
public interface IMessageLedger
{
    /// <summary>Gets a message's status for each of its recipients.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One record per recipient, empty when the message is unknown.</returns>
    ValueTask<IReadOnlyList<MessageRecord>> GetAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>Lists dead letters, oldest first, one page at a time.</summary>
    /// <param name="after">The cursor from the previous page (<see cref="DeadLetterPage.Next"/>), or <see langword="null"/> for the first.</param>
    /// <param name="limit">The page size.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The page.</returns>
    /// <exception cref="AosValidationException">The cursor is not one this ledger gave, or the page size is not 1 to 1,000.</exception>
    ValueTask<DeadLetterPage> ListDeadLettersAsync(string? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>Puts a message's dead letters back in their recipients' inboxes, with a fresh retry budget and expiry.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="expiresAt">The new expiry of the replayed message.</param>
    /// <param name="tenant">
    /// Replays only the dead letters of messages of this tenant (<see cref="Envelope.Tenant"/>); <see langword="null"/> for every tenant's.
    /// Two tenants may each have sent a message with the same id.
    /// </param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many dead letters were replayed; 0 when the message has none.</returns>
    ValueTask<int> ReplayAsync(string messageId, DateTimeOffset? expiresAt, string? tenant, CancellationToken cancellationToken = default);

    /// <summary>Removes a message's dead letters for good: an operator decided not to replay them.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="tenant">Discards only the dead letters of this tenant's message with that id; <see langword="null"/> for every tenant's.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many dead letters were discarded; 0 when the message has none. Its pending and delivered records are left as they are.</returns>
    ValueTask<int> DiscardAsync(string messageId, string? tenant, CancellationToken cancellationToken = default);

    /// <summary>Gets how many messages wait in an agent's inbox (pending, not yet delivered).</summary>
    /// <param name="recipient">The agent.</param>
    /// <returns>The inbox depth.</returns>
    int GetInboxDepth(AgentId recipient);

    /// <summary>Gets how many messages wait in all inboxes this transport instance serves.</summary>
    int PendingCount { get; }

    /// <summary>Gets how many messages this transport instance found pending when it started, or took over from a lost node, and handed out
    /// again: each was in flight or waiting when its node stopped, so some may be redeliveries that their receivers recognize as duplicates.</summary>
    long RecoveredCount { get; }
}
