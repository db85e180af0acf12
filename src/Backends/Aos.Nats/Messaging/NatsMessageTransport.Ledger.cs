using System.Globalization;
using Aos.Messaging;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Aos.Nats.Messaging;

public sealed partial class NatsMessageTransport
{
    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// Reads this node's ledger; in a <see cref="NatsMessageTransportOptions.Cluster"/>, a message this node does not know is looked up in the
    /// ledgers of the other nodes that hold a lease, so its status reads the same through any node.
    /// </para>
    /// <para>
    /// A message that a take-over is moving is created in the adopter's ledger before it is removed from the lost node's, so a read that
    /// reaches the adopter before the create and the lost node after the removal finds it nowhere; a cluster read that finds nothing
    /// therefore reads every ledger once more, and the second pass reaches the adopter after the create.
    /// </para>
    /// </remarks>
    public async ValueTask<IReadOnlyList<MessageRecord>> GetAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        for (var pass = 0; ; pass++)
        {
            var records = await ReadRecordsAsync(_ledger, _stream, messageId, cancellationToken).ConfigureAwait(false);
            if (records.Count > 0 || _nodes is null)
            {
                return records;
            }

            foreach (var prefix in await ReadLeaseHoldersAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await OpenPeerAsync(prefix, cancellationToken).ConfigureAwait(false) is { } peer)
                {
                    records.AddRange(await ReadRecordsAsync(peer.Ledger, peer.Stream, messageId, cancellationToken).ConfigureAwait(false));
                }
            }

            if (records.Count > 0 || pass == 1)
            {
                return records;
            }
        }
    }

    private async ValueTask<List<MessageRecord>> ReadRecordsAsync(INatsKVStore ledger, INatsJSStream? stream, string messageId, CancellationToken cancellationToken)
    {
        var entries = await ReadCurrentEntriesAsync(ledger, KeyPrefixOf(messageId) + "*", cancellationToken).ConfigureAwait(false);
        var records = new List<MessageRecord>(entries.Count);
        foreach (var (_, entry, _) in entries.Where(e => e.Entry.MessageId == messageId).OrderBy(e => e.Entry.Sequence))
        {
            if (await ToRecordAsync(stream, entry, cancellationToken).ConfigureAwait(false) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// A page reads the whole dead-letter index (one key per dead letter) and then one ledger entry per item; the cursor is a message
    /// sequence.
    /// </para>
    /// <para>
    /// In a <see cref="NatsMessageTransportOptions.Cluster"/> the page lists the dead letters of every node that holds a lease, node after
    /// node (by stream prefix) and each oldest first, so any node lists them all; the cursor is <c>{prefix}:{sequence}</c>. A node that
    /// joins with a prefix before the cursor's is listed from the next first page on.
    /// </para>
    /// </remarks>
    public async ValueTask<DeadLetterPage> ListDeadLettersAsync(string? after, int limit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 1000)
        {
            throw new AosValidationException($"The page size is {limit}; use 1 to 1000.") { Field = "limit" };
        }

        if (_natsOptions.Cluster is null)
        {
            var from = DeadLetterPage.ParseSequence(after);
            await StartAsync(cancellationToken).ConfigureAwait(false);
            return DeadLetterPage.FromOverRead(await ReadDeadLettersAsync(_ledger, _stream, from, limit + 1, cancellationToken).ConfigureAwait(false), limit);
        }

        var (afterNode, afterSequence) = ParseNodeCursor(after);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var nodes = (await ReadLeaseHoldersAsync(cancellationToken).ConfigureAwait(false)).Append(_natsOptions.StreamPrefix)
            .Where(prefix => afterNode is null || string.CompareOrdinal(prefix, afterNode) >= 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        var items = new List<(string Node, MessageRecord Record)>();
        foreach (var prefix in nodes)
        {
            var node = prefix == _natsOptions.StreamPrefix ? new Peer(_stream, _ledger) : await OpenPeerAsync(prefix, cancellationToken).ConfigureAwait(false);
            if (node is null)
            {
                continue;
            }

            var from = prefix == afterNode ? afterSequence : 0;
            foreach (var record in await ReadDeadLettersAsync(node.Ledger, node.Stream, from, limit + 1 - items.Count, cancellationToken).ConfigureAwait(false))
            {
                items.Add((prefix, record));
            }

            if (items.Count > limit)
            {
                break;
            }
        }

        if (items.Count <= limit)
        {
            return new DeadLetterPage([.. items.Select(i => i.Record)], null);
        }

        var last = items[limit - 1];
        return new DeadLetterPage([.. items.Take(limit).Select(i => i.Record)], last.Node + ":" + DeadLetterPage.FormatSequence(last.Record.Sequence));
    }

    /// <summary>Reads up to <paramref name="take"/> dead letters of one ledger after a sequence, oldest first.</summary>
    private async ValueTask<List<MessageRecord>> ReadDeadLettersAsync(INatsKVStore ledger, INatsJSStream? stream, long after, int take, CancellationToken cancellationToken)
    {
        var index = new List<(long Sequence, string Key)>();
        foreach (var item in await ReadLiveListAsync<string>(ledger, "d.>", cancellationToken).ConfigureAwait(false))
        {
            var sequence = long.Parse(item.Key.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture);
            if (sequence > after && item.Value is { } key)
            {
                index.Add((sequence, key));
            }
        }

        var items = new List<MessageRecord>(Math.Min(index.Count, take));
        foreach (var (sequence, key) in index.OrderBy(i => i.Sequence))
        {
            var read = await TryGetAsync<byte[]>(ledger, key, cancellationToken).ConfigureAwait(false);
            if (!read.Success || Deserialize(read.Value.Value, read.Value.Revision) is not { Status: MessageStatus.DeadLettered } entry || entry.Sequence != sequence)
            {
                continue;
            }

            if (await ToRecordAsync(stream, entry, cancellationToken).ConfigureAwait(false) is { } record)
            {
                items.Add(record);
                if (items.Count >= take)
                {
                    break;
                }
            }
        }

        return items;
    }

    private static (string? Node, long Sequence) ParseNodeCursor(string? after)
    {
        if (string.IsNullOrEmpty(after))
        {
            return (null, 0);
        }

        var colon = after.LastIndexOf(':');
        return colon > 0 && long.TryParse(after.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? (after[..colon], sequence)
            : throw DeadLetterPage.InvalidCursor(after);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A replayed message takes the revision of its ledger write as its new <see cref="TransportMessage.Sequence"/>, behind its lane. In a
    /// <see cref="NatsMessageTransportOptions.Cluster"/>, the message's dead letters that other nodes hold move into this node first, as a
    /// take-over moves them (<see cref="RenewAndAdoptAsync"/>), so that a replay through any node hands them out.
    /// </remarks>
    public async ValueTask<int> ReplayAsync(string messageId, DateTimeOffset? expiresAt, string? tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        if (_nodes is not null)
        {
            await MoveDeadLettersHereAsync(messageId, tenant, cancellationToken).ConfigureAwait(false);
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var replayed = 0;
        var entries = await ReadCurrentEntriesAsync(_ledger, KeyPrefixOf(messageId) + "*", cancellationToken).ConfigureAwait(false);
        foreach (var (key, entry, revision) in entries.Where(e => e.Entry.MessageId == messageId && e.Entry.Status == MessageStatus.DeadLettered))
        {
            if (entry.Envelope is not { } original)
            {
                LogEnvelopeMissing(_logger, entry.MessageId, entry.Recipient, entry.Sequence);
                continue;
            }

            if (tenant is not null && original.Tenant != tenant)
            {
                continue;
            }

            var envelope = original with { ExpiresAt = expiresAt, Attempt = 0 };
            var next = entry with { Status = MessageStatus.Pending, Attempts = 0, Reason = null, DueAt = now, UpdatedAt = now, Sequence = 0, Envelope = envelope };
            var updated = await ReplaceEntryAsync(key, Serialize(next), revision, cancellationToken).ConfigureAwait(false);
            if (!updated.Success)
            {
                // Someone else changed the entry since it was read (a concurrent replay): theirs wins.
                ThrowUnlessRevisionConflict(updated.Error);
                continue;
            }

            var sequence = checked((long)updated.Value);
            Remember(key, next with { Sequence = sequence }, updated.Value);
            await RemoveKeyAsync(_ledger, DeadLetterKey(entry.Sequence), cancellationToken).ConfigureAwait(false);
            _scheduler.Add(new TransportMessage(envelope, AgentId.Parse(entry.Recipient), entry.OrderKey, 0, sequence), now, reserved: false);
            replayed++;
        }

        return replayed;
    }

    /// <inheritdoc />
    /// <remarks>In a <see cref="NatsMessageTransportOptions.Cluster"/>, the message's dead letters that other nodes hold move into this node first, as for a replay.</remarks>
    public async ValueTask<int> DiscardAsync(string messageId, string? tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        if (_nodes is not null)
        {
            await MoveDeadLettersHereAsync(messageId, tenant, cancellationToken).ConfigureAwait(false);
        }

        var discarded = 0;
        foreach (var (key, entry, revision) in await ReadCurrentEntriesAsync(_ledger, KeyPrefixOf(messageId) + "*", cancellationToken).ConfigureAwait(false))
        {
            if (entry.MessageId == messageId && entry.Status == MessageStatus.DeadLettered && (tenant is null || entry.Envelope is not { } envelope || envelope.Tenant == tenant))
            {
                discarded += await RemoveDeadLetterAsync(key, entry, revision, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
        }

        return discarded;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads the ledger only up to the first entry written at or after <paramref name="before"/>, and in whole once per
    /// <see cref="MessageBusOptions.DeduplicationWindow"/> (see <see cref="ReadEntriesWrittenBeforeAsync"/>): a dead letter written out of
    /// order is removed by a later prune, at the latest by the next whole read.
    /// </remarks>
    public async ValueTask<int> PruneDeadLettersAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var whole = _timeProvider.GetElapsedTime(_deadLettersReadWholeAt) >= _options.DeduplicationWindow;
        var removed = 0;
        foreach (var (key, entry, revision) in await ReadEntriesWrittenBeforeAsync(before.ToUnixTimeMilliseconds(), whole, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Status == MessageStatus.DeadLettered)
            {
                removed += await RemoveDeadLetterAsync(key, entry, revision, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
        }

        if (whole)
        {
            _deadLettersReadWholeAt = _timeProvider.GetTimestamp();
        }

        return removed;
    }

    /// <summary>Removes a dead letter of this node's ledger, with its index entry, unless it changed since it was read (a concurrent replay).</summary>
    private async ValueTask<bool> RemoveDeadLetterAsync(string key, LedgerEntry entry, ulong revision, CancellationToken cancellationToken)
    {
        var purged = await TryCallAsync(ct => TryPurgeAtAsync(_ledger, key, revision, ct), cancellationToken).ConfigureAwait(false);
        if (!purged.Success)
        {
            ThrowUnlessRevisionConflict(purged.Error);
            return false;
        }

        await RemoveKeyAsync(_ledger, DeadLetterKey(entry.Sequence), cancellationToken).ConfigureAwait(false);
        if (entry.Envelope is null)
        {
            await RemoveStreamMessageAsync(entry.Sequence, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async ValueTask MoveDeadLettersHereAsync(string messageId, string? tenant, CancellationToken cancellationToken)
    {
        foreach (var prefix in await ReadLeaseHoldersAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await OpenPeerAsync(prefix, cancellationToken).ConfigureAwait(false) is not { } peer)
            {
                continue;
            }

            foreach (var (key, entry, revision) in await ReadCurrentEntriesAsync(peer.Ledger, KeyPrefixOf(messageId) + "*", cancellationToken).ConfigureAwait(false))
            {
                if (entry.MessageId == messageId && entry.Status == MessageStatus.DeadLettered && (tenant is null || entry.Envelope is not { } envelope || envelope.Tenant == tenant))
                {
                    await MoveAsync(peer, key, entry, revision, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Forgets delivered messages older than a time, so the stream and bucket stay bounded; pending and dead letters are kept.</summary>
    /// <remarks>
    /// A pruned message is no longer recognised as a duplicate: prune after <see cref="MessageBusOptions.DeduplicationWindow"/>. A prune reads
    /// the ledger only up to the first entry written at or after <paramref name="before"/>, not the messages delivered since, and in whole
    /// once per de-duplication window (see <see cref="ReadEntriesWrittenBeforeAsync"/>): an entry written out of order is removed by a later
    /// prune, at the latest by the next whole read. Nothing of a
    /// pruned message stays in the bucket (<see cref="TryPurgeAtAsync"/>), and the delete and purge markers earlier versions left, one for
    /// every message they pruned or gave up to another node in the ledger and one for every node taken over among the leases, are removed
    /// too.
    /// </remarks>
    /// <param name="before">The oldest delivery time to keep.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many messages were removed.</returns>
    public async ValueTask<int> PruneDeliveredAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var whole = _timeProvider.GetElapsedTime(_deliveredReadWholeAt) >= _options.DeduplicationWindow;
        var removed = 0;
        foreach (var (key, entry, revision) in await ReadEntriesWrittenBeforeAsync(before.ToUnixTimeMilliseconds(), whole, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Status != MessageStatus.Delivered)
            {
                continue;
            }

            // A purge retried after its first attempt took effect unseen fails its condition: the stream message is then left, unreferenced and harmless.
            var purged = await TryCallAsync(ct => TryPurgeAtAsync(_ledger, key, revision, ct), cancellationToken).ConfigureAwait(false);
            if (purged.Success)
            {
                if (entry.Envelope is null)
                {
                    await RemoveStreamMessageAsync(entry.Sequence, cancellationToken).ConfigureAwait(false);
                }

                removed++;
            }
        }

        if (whole)
        {
            _deliveredReadWholeAt = _timeProvider.GetTimestamp();
        }

        await RemoveMarkersAsync(_ledger, cancellationToken).ConfigureAwait(false);
        if (_nodes is not null)
        {
            await RemoveMarkersAsync(_nodes, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    private async ValueTask<MessageRecord?> ToRecordAsync(INatsJSStream? stream, LedgerEntry entry, CancellationToken cancellationToken)
    {
        if (await EnvelopeOfAsync(stream, entry, cancellationToken).ConfigureAwait(false) is not { } envelope)
        {
            LogEnvelopeMissing(_logger, entry.MessageId, entry.Recipient, entry.Sequence);
            return null;
        }

        return new MessageRecord(
            envelope,
            AgentId.Parse(entry.Recipient),
            entry.Status,
            entry.Attempts,
            entry.LastError,
            entry.Reason,
            DateTimeOffset.FromUnixTimeMilliseconds(entry.AcceptedAt),
            DateTimeOffset.FromUnixTimeMilliseconds(entry.UpdatedAt),
            entry.Sequence);
    }
}
