namespace Aos.Messaging;

internal sealed partial class DeliveryScheduler
{
    /// <summary>
    /// Stores messages one at a time through a transport's own writes, with the scheduler's inbox accounting around them: refusal
    /// when full, a less urgent victim shed only for a message that was stored, reservations released on duplicates and failures.
    /// </summary>
    /// <param name="messages">The messages, in order.</param>
    /// <param name="capacity">The inbox capacity.</param>
    /// <param name="admitOverCapacity">Whether to accept messages beyond a full inbox.</param>
    /// <param name="store">Stores one message durably; returns it with its sequence, or <see langword="null"/> for a duplicate.</param>
    /// <param name="shed">Dead-letters a victim durably as <see cref="DeadLetterReasons.Shed"/>.</param>
    /// <param name="now">The time, in Unix milliseconds, the stored messages are due.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>What happened to each message, in order. When a store throws, the messages before it are stored and the call throws.</returns>
    public async ValueTask<IReadOnlyList<EnqueueOutcome>> EnqueueEachAsync(
        IReadOnlyList<TransportMessage> messages,
        int capacity,
        bool admitOverCapacity,
        Func<TransportMessage, CancellationToken, ValueTask<TransportMessage?>> store,
        Func<TransportMessage, CancellationToken, ValueTask> shed,
        long now,
        CancellationToken cancellationToken)
    {
        var outcomes = new EnqueueOutcome[messages.Count];
        var rows = new List<(int Index, TransportMessage? Victim)>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (!TryReserve(message.Recipient.Value, (int)message.Envelope.Priority, capacity, admitOverCapacity, out var victim))
            {
                outcomes[i] = EnqueueOutcome.Refused;
                continue;
            }

            rows.Add((i, victim));
        }

        for (var r = 0; r < rows.Count; r++)
        {
            var (index, victim) = rows[r];
            var message = messages[index];
            TransportMessage? stored;
            try
            {
                stored = await store(message, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                for (var rest = r; rest < rows.Count; rest++)
                {
                    Release(messages[rows[rest].Index].Recipient.Value);
                    if (rows[rest].Victim is { } kept)
                    {
                        CancelShed(kept.Sequence);
                    }
                }

                throw;
            }

            if (stored is null)
            {
                // A duplicate takes no one's place.
                outcomes[index] = EnqueueOutcome.Duplicate;
                Release(message.Recipient.Value);
                if (victim is not null)
                {
                    CancelShed(victim.Sequence);
                }

                continue;
            }

            var outcome = EnqueueOutcome.Accepted;
            if (victim is not null)
            {
                try
                {
                    await shed(victim, cancellationToken).ConfigureAwait(false);
                    CommitShed(victim.Sequence);
                    outcome = EnqueueOutcome.AcceptedShedding;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The victim could not be dead-lettered: it stays, and the inbox holds one message over its capacity.
                    CancelShed(victim.Sequence);
                }
            }

            outcomes[index] = outcome;
            Add(stored, now, reserved: true);
        }

        return outcomes;
    }
}
