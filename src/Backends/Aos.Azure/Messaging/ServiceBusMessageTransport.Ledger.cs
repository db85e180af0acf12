using Aos.Messaging;
using Azure.Messaging.ServiceBus;

namespace Aos.Azure.Messaging;

public sealed partial class ServiceBusMessageTransport
{
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<MessageRecord>> GetAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        return [.. (await _ledger.GetAsync(messageId, cancellationToken).ConfigureAwait(false)).Select(e => e.ToRecord())];
    }

    /// <inheritdoc />
    /// <remarks>The cursor is a sequence. A page is one range query on the dead-letter index and then one row read per item.</remarks>
    public async ValueTask<DeadLetterPage> ListDeadLettersAsync(string? after, int limit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 1000)
        {
            throw new AosValidationException($"The page size is {limit}; use 1 to 1000.") { Field = "limit" };
        }

        var from = DeadLetterPage.ParseSequence(after);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var (items, next) = await _ledger.ListDeadLettersAsync(from, limit, cancellationToken).ConfigureAwait(false);
        return new DeadLetterPage([.. items.Select(e => e.ToRecord())], next is { } sequence ? DeadLetterPage.FormatSequence(sequence) : null);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The replayed message gets a new <see cref="TransportMessage.Sequence"/> and a new queue copy. When that copy cannot be sent, the
    /// replay still counts (the ledger row holds the envelope) and a warning is logged.
    /// </remarks>
    public async ValueTask<int> ReplayAsync(string messageId, DateTimeOffset? expiresAt, string? tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var replayed = await _ledger.ReplayAsync(messageId, expiresAt, tenant, now, cancellationToken).ConfigureAwait(false);
        foreach (var entry in replayed)
        {
            _copies.Expect(entry.Sequence);
            try
            {
                await SendCopyAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ServiceBusException or Aos.Reliability.DependencyUnavailableException)
            {
                _copies.Forget(entry.Sequence);
                LogReplayCopyNotSent(_logger, entry.MessageId, entry.Recipient, e);
            }

            _scheduler.Add(entry.ToMessage(), now, reserved: false);
        }

        return replayed.Count;
    }

    /// <inheritdoc />
    public async ValueTask<int> DiscardAsync(string messageId, string? tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        return await _ledger.DiscardAsync(messageId, tenant, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> PruneDeadLettersAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        return await _ledger.PruneDeadLettersAsync(before.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets delivered messages older than a time, so the ledger stays bounded; pending messages and dead letters are kept.</summary>
    /// <remarks>A pruned message is no longer recognised as a duplicate: prune after <see cref="MessageBusOptions.DeduplicationWindow"/>.</remarks>
    /// <param name="before">The oldest delivery time to keep.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many messages were removed.</returns>
    public async ValueTask<int> PruneDeliveredAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        return await _ledger.PruneDeliveredAsync(before.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
    }
}
