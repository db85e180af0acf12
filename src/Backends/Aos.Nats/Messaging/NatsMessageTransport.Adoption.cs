using System.Collections.Concurrent;
using Aos.Messaging;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Aos.Nats.Messaging;

public sealed partial class NatsMessageTransport
{
    // The lease value of this instance: a node that starts again with the same prefix is a new instance, and takes its lease back.
    private readonly string _instanceId = Guid.NewGuid().ToString("N");
    private readonly SemaphoreSlim _adoptLock = new(1, 1);

    // Each other node's lease revision as this node last saw it, with the time (TimeProvider timestamp) it first saw that revision: a lease
    // is lost when its revision stays the same for LeaseTimeout on this node's clock, so no two clocks are compared.
    private readonly Dictionary<string, (ulong Revision, long SeenAt)> _observed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Peer> _peers = new(StringComparer.Ordinal);
    private INatsKVStore? _nodes;

    /// <summary>
    /// Renews this node's lease, and takes over the messages of every node of the <see cref="NatsMessageTransportOptions.Cluster"/> whose lease
    /// this node has seen unrenewed for <see cref="NatsMessageTransportOptions.LeaseTimeout"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Run it every third of the lease timeout (<see cref="Hosting.NatsLeaseService"/> does); outside a cluster it does nothing. A lost
    /// node's lease is claimed with a conditional write, so one node takes it over, and is renewed while its messages move.
    /// </para>
    /// <para>
    /// Each message of the lost node moves in two writes (three for a dead letter, with its index entry): its ledger entry (envelope,
    /// status, attempts, due time, last error, dead-letter reason) is created in this node's ledger, and then the lost node's entry is removed.
    /// Pending messages move first, in stream order, and are handed out at once; dead letters and delivered messages follow. When every
    /// message has moved the lost node's lease is deleted; a node that starts again with its prefix registers anew. A crash in between,
    /// or the lost node coming back during the move, can leave a message in both ledgers and hand it out twice: receivers de-duplicate by
    /// message id, so it is processed once, and it is never lost.
    /// </para>
    /// </remarks>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many messages moved into this node's stream and ledger.</returns>
    public async ValueTask<int> RenewAndAdoptAsync(CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        if (_nodes is null)
        {
            return 0;
        }

        await _adoptLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var nodes = _nodes;
            await CallAsync(ct => nodes.PutAsync(_natsOptions.StreamPrefix, _instanceId, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            var now = _timeProvider.GetTimestamp();
            var leases = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var lease in await ReadCurrentAsync<string>(nodes, ">", cancellationToken).ConfigureAwait(false))
            {
                if (lease.Key != _natsOptions.StreamPrefix)
                {
                    leases[lease.Key] = lease.Revision;
                }
            }

            foreach (var gone in _observed.Keys.Where(prefix => !leases.ContainsKey(prefix)).ToList())
            {
                _observed.Remove(gone);
            }

            var moved = 0;
            foreach (var (prefix, revision) in leases)
            {
                if (!_observed.TryGetValue(prefix, out var seen) || seen.Revision != revision)
                {
                    _observed[prefix] = (revision, now);
                    continue;
                }

                if (_timeProvider.GetElapsedTime(seen.SeenAt, now) < _natsOptions.LeaseTimeout)
                {
                    continue;
                }

                _observed.Remove(prefix);
                var claimed = await WriteOnceAsync<string>(nodes, prefix, ct => TryUpdateAtAsync(nodes, prefix, _instanceId, revision, ct), value => value == _instanceId, cancellationToken).ConfigureAwait(false);
                if (!claimed.Success)
                {
                    // Renewed since it was read, or claimed by another node first.
                    ThrowUnlessRevisionConflict(claimed.Error);
                    continue;
                }

                LogAdopting(_logger, prefix, _natsOptions.LeaseTimeout);
                moved += await AdoptAsync(prefix, claimed.Value, cancellationToken).ConfigureAwait(false);
            }

            return moved;
        }
        finally
        {
            _adoptLock.Release();
        }
    }

    /// <summary>Registers this node in its cluster: creates the leases bucket and puts this instance's lease, before the ledger is read.</summary>
    private async ValueTask RegisterAsync(NatsKVContext context, CancellationToken cancellationToken)
    {
        if (_natsOptions.NodesBucketName is not { } bucket)
        {
            return;
        }

        _nodes = await CreateBucketAsync(context, bucket, cancellationToken).ConfigureAwait(false);
        await _nodes.PutAsync(_natsOptions.StreamPrefix, _instanceId, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves every message of a lost node into this node while holding its lease; stops if the lease is taken back.</summary>
    private async ValueTask<int> AdoptAsync(string prefix, ulong leaseRevision, CancellationToken cancellationToken)
    {
        var moved = 0;
        var pending = 0;
        var left = 0;
        if (await OpenPeerAsync(prefix, cancellationToken).ConfigureAwait(false) is { } peer)
        {
            var renewedAt = _timeProvider.GetTimestamp();
            var entries = (await ReadEntriesAsync(peer.Ledger, "m.>", cancellationToken).ConfigureAwait(false))
                .OrderBy(e => e.Entry.Status == MessageStatus.Pending ? 0 : 1)
                .ThenBy(e => e.Entry.Sequence);
            foreach (var (key, entry, revision) in entries)
            {
                if (_timeProvider.GetElapsedTime(renewedAt) >= _natsOptions.LeaseTimeout / 3)
                {
                    var held = leaseRevision;
                    var renewed = await WriteOnceAsync<string>(_nodes!, prefix, ct => TryUpdateAtAsync(_nodes!, prefix, _instanceId, held, ct), value => value == _instanceId, cancellationToken).ConfigureAwait(false);
                    if (!renewed.Success)
                    {
                        ThrowUnlessRevisionConflict(renewed.Error);
                        LogAdoptionInterrupted(_logger, prefix, moved);
                        return moved;
                    }

                    leaseRevision = renewed.Value;
                    renewedAt = _timeProvider.GetTimestamp();
                }

                switch (await MoveAsync(peer, key, entry, revision, cancellationToken).ConfigureAwait(false))
                {
                    case true:
                        moved++;
                        pending += entry.Status == MessageStatus.Pending ? 1 : 0;
                        break;
                    case null:
                        left++;
                        break;
                }
            }
        }

        // Every message moved: the lease goes, so that no node claims the prefix again. If the lost node came back meanwhile, its lease
        // has a newer revision and stays.
        var deleted = await TryCallAsync(ct => TryPurgeAtAsync(_nodes!, prefix, leaseRevision, ct), cancellationToken).ConfigureAwait(false);
        if (!deleted.Success)
        {
            ThrowUnlessRevisionConflict(deleted.Error);
        }

        LogAdopted(_logger, prefix, moved, pending, left);
        return moved;
    }

    /// <summary>Moves one message of a lost node into this node.</summary>
    /// <returns><see langword="true"/> when it moved; <see langword="false"/> when this node already knew it (the same message id and recipient
    /// were accepted here too, and that entry stands); <see langword="null"/> when its envelope is gone and it was left where it was.</returns>
    private async ValueTask<bool?> MoveAsync(Peer peer, string key, LedgerEntry entry, ulong revision, CancellationToken cancellationToken)
    {
        // An entry written by an earlier version names a message of the lost node's stream; here it takes its envelope along.
        if (await EnvelopeOfAsync(peer.Stream, entry, cancellationToken).ConfigureAwait(false) is not { } envelope)
        {
            LogEnvelopeMissing(_logger, entry.MessageId, entry.Recipient, entry.Sequence);
            return null;
        }

        // The message takes the revision of its create here as its sequence.
        var created = await CreateEntryAsync(_ledger, key, Serialize(entry with { Sequence = 0, Envelope = envelope }), cancellationToken).ConfigureAwait(false);
        if (created.Success)
        {
            var sequence = checked((long)created.Value);
            var adopted = entry with { Sequence = sequence, Envelope = envelope };
            if (adopted.Status == MessageStatus.Pending)
            {
                _known[key] = (adopted, created.Value);
                _scheduler.Recover(new TransportMessage(envelope, AgentId.Parse(entry.Recipient), entry.OrderKey, entry.Attempts, sequence), entry.DueAt);
            }
            else if (adopted.Status == MessageStatus.DeadLettered)
            {
                // Written after the entry, whose sequence it names; a crash in between is repaired when this node starts again.
                await CallAsync(ct => _ledger.PutAsync(DeadLetterKey(sequence), key, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            }
        }
        else if (created.Error is not NatsKVCreateException)
        {
            throw created.Error;
        }

        // The lost node's copy goes last, unless that node came back and changed it since it was read: then both hold the message, and
        // the receiver's de-duplication processes it once.
        var purged = await TryCallAsync(ct => TryPurgeAtAsync(peer.Ledger, key, revision, ct), cancellationToken).ConfigureAwait(false);
        if (purged.Success)
        {
            if (entry.Status == MessageStatus.DeadLettered)
            {
                await RemoveKeyAsync(peer.Ledger, DeadLetterKey(entry.Sequence), cancellationToken).ConfigureAwait(false);
            }

            if (entry.Envelope is null)
            {
                await RemoveStreamMessageAsync(peer.Stream, entry.Sequence, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (purged.Error is not NatsKVWrongLastRevisionException)
        {
            throw purged.Error;
        }

        return created.Success;
    }

    /// <summary>Lists the prefixes of the other nodes that hold a lease in this node's cluster.</summary>
    private async ValueTask<List<string>> ReadLeaseHoldersAsync(CancellationToken cancellationToken)
    {
        var prefixes = new List<string>();
        foreach (var lease in await ReadCurrentAsync<string>(_nodes!, ">", cancellationToken).ConfigureAwait(false))
        {
            if (lease.Key != _natsOptions.StreamPrefix)
            {
                prefixes.Add(lease.Key);
            }
        }

        return prefixes;
    }

    /// <summary>Opens another node's ledger (and its stream, where an earlier version left one), or returns <see langword="null"/> when that node never created a ledger.</summary>
    private async ValueTask<Peer?> OpenPeerAsync(string prefix, CancellationToken cancellationToken)
    {
        if (_peers.TryGetValue(prefix, out var known))
        {
            return known;
        }

        var opened = await CallBoundedAsync<Peer?>(
            async ct =>
            {
                try
                {
                    var ledger = await new NatsKVContext(_jetStream).GetStoreAsync(prefix + "_LEDGER", ct).ConfigureAwait(false);
                    ledger = await PrepareBucketAsync(ledger, ct).ConfigureAwait(false);
                    return new Peer(await FindStreamAsync(_jetStream, prefix + "_MESSAGES", ct).ConfigureAwait(false), ledger);
                }
                catch (NatsJSApiException e) when (e.Error.Code == 404)
                {
                    return null;
                }
            },
            cancellationToken).ConfigureAwait(false);
        return opened is null ? null : _peers.GetOrAdd(prefix, opened);
    }

    private static void ThrowUnlessRevisionConflict(Exception error)
    {
        if (error is not (NatsKVWrongLastRevisionException or NatsKVKeyNotFoundException or NatsKVKeyDeletedException))
        {
            throw error;
        }
    }

    /// <summary>Another node's ledger, and its stream of an earlier version if it has one.</summary>
    private sealed record Peer(INatsJSStream? Stream, INatsKVStore Ledger);
}
