namespace Aos.Messaging;

internal sealed partial class DeliveryScheduler
{
    /// <summary>The most stores in flight at once for one call: a fan-out to many recipients waits for its acknowledgements together.</summary>
    internal const int MaxConcurrentStores = 64;

    /// <summary>
    /// Stores messages through a transport's own writes, with the scheduler's inbox accounting around them: refusal when full, a less
    /// urgent victim shed only for a message that was stored, reservations released on duplicates and failures.
    /// </summary>
    /// <remarks>
    /// Messages to different recipients are stored concurrently (up to <see cref="MaxConcurrentStores"/> at once), so a publish to a
    /// thousand subscribers costs a few round trips, not a thousand in sequence; messages to one recipient are stored one after the
    /// other in the order given, so their sequences keep that order in the recipient's lanes.
    /// </remarks>
    /// <param name="messages">The messages, in order.</param>
    /// <param name="capacity">The inbox capacity.</param>
    /// <param name="admitOverCapacity">Whether to accept messages beyond a full inbox.</param>
    /// <param name="store">Stores one message durably; returns it with its sequence, or <see langword="null"/> for a duplicate.</param>
    /// <param name="shed">Dead-letters a victim durably as <see cref="DeadLetterReasons.Shed"/>.</param>
    /// <param name="now">The time, in Unix milliseconds, the stored messages are due.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>What happened to each message, in order. When a store throws, the messages that were stored are kept and handed out,
    /// the others are released, and the call throws the first error (a recipient's later messages are not tried after its failure).</returns>
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

        var stored = new TransportMessage?[rows.Count];
        var done = new bool[rows.Count];
        Exception? error = null;
        var lanes = Enumerable.Range(0, rows.Count).GroupBy(r => messages[rows[r].Index].Recipient.Value, StringComparer.Ordinal).ToList();
        try
        {
            await Parallel.ForEachAsync(
                lanes,
                new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentStores, CancellationToken = cancellationToken },
                async (lane, ct) =>
                {
                    foreach (var r in lane)
                    {
                        try
                        {
                            stored[r] = await store(messages[rows[r].Index], ct).ConfigureAwait(false);
                            done[r] = true;
                        }
                        catch (Exception ex)
                        {
                            Interlocked.CompareExchange(ref error, ex, null);
                            return;
                        }
                    }
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            Interlocked.CompareExchange(ref error, ex, null);
        }

        for (var r = 0; r < rows.Count; r++)
        {
            var (index, victim) = rows[r];
            var message = messages[index];
            if (!done[r] || stored[r] is null)
            {
                // Not stored (a failure), or a duplicate: it takes no one's place.
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
            Add(stored[r]!, now, reserved: true);
        }

        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return outcomes;
    }
}
