using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aos.Messaging;
using Aos.Reliability;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Aos.Nats.Messaging;

public sealed partial class NatsMessageTransport
{
    private const int MaxUpdateAttempts = 16;
    private const int IdHashBytes = 32;
    private const int RecipientHashBytes = 16;
    private const int PrefixLength = 2 + (2 * IdHashBytes) + 1;
    private const int KeyLength = PrefixLength + (2 * RecipientHashBytes);

    // The most subjects a stream info answer lists (the server's JSMaxSubjectDetails); more take further requests from an offset.
    private const int MaxSubjectsPerInfo = 100_000;

    // How many keys a read of current values gets at once: a status read of a message to 1,000 subscribers took 57–135 ms (a watch 14–27 ms).
    private const int ConcurrentGets = 64;

    private static readonly NatsKVWatchOpts ReadAllOpts = new() { OnNoData = static _ => ValueTask.FromResult(true) };
    private static readonly NatsKVWatchOpts ReadMarkersOpts = ReadAllOpts with { MetaOnly = true };

    // Every value the bucket's stream holds, from its first: with a history of one (CreateBucketAsync), each key's latest value, in the
    // order of the revisions, with no per-key start that the server must work out first (at 51,000 keys on NATS 2.9, a watch's first
    // entry came after 48–74 ms this way, 116–126 ms the default way).
    private static readonly NatsKVWatchOpts ReadInRevisionOrderOpts = ReadAllOpts with { IncludeHistory = true };

    // When each prune last read the whole ledger (TimeProvider timestamps; the transport's creation at first): see ReadEntriesWrittenBeforeAsync.
    private long _deliveredReadWholeAt;
    private long _deadLettersReadWholeAt;

    // The buckets (this node's ledger, the leases) in which a pass found no markers of earlier versions left to remove.
    private readonly ConcurrentDictionary<string, bool> _markerFree = new(StringComparer.Ordinal);

    private async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            return;
        }

        await _startLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_started)
            {
                return;
            }

            // Each step is idempotent (connect, create or update, put this instance's lease), so a retry repeats them all.
            await CallBoundedAsync(
                async ct =>
                {
                    await _connection.ConnectAsync().ConfigureAwait(false);
                    _jetStream = new NatsJSContext(_connection);
                    _stream = await FindStreamAsync(_jetStream, StreamName, ct).ConfigureAwait(false);
                    var keyValue = new NatsKVContext(_jetStream);
                    _ledger = await CreateBucketAsync(keyValue, BucketName, ct).ConfigureAwait(false);

                    // The lease first: a node that was taken over stops the move of its messages before it reads what is left of them.
                    await RegisterAsync(keyValue, ct).ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);

            var entries = await ReadEntriesAsync("m.>", cancellationToken).ConfigureAwait(false);
            await UpgradeAsync(entries, cancellationToken).ConfigureAwait(false);
            await IndexDeadLettersAsync(entries, cancellationToken).ConfigureAwait(false);
            var pending = 0;
            foreach (var (key, entry, revision) in entries.Where(e => e.Entry.Status == MessageStatus.Pending).OrderBy(e => e.Entry.Sequence))
            {
                if (entry.Envelope is not { } envelope)
                {
                    LogEnvelopeMissing(_logger, entry.MessageId, entry.Recipient, entry.Sequence);
                    continue;
                }

                _known[key] = (entry, revision);
                _scheduler.Recover(new TransportMessage(envelope, AgentId.Parse(entry.Recipient), entry.OrderKey, entry.Attempts, entry.Sequence), entry.DueAt);
                pending++;
            }

            LogStarted(_logger, BucketName, pending, _stream is null ? "none" : StreamName);
            _started = true;
        }
        finally
        {
            _startLock.Release();
        }
    }

    /// <summary>Creates a message's ledger entry, which holds its envelope: one write, acknowledged by JetStream.</summary>
    /// <returns>The message's sequence (the revision of the create), or 0 when the ledger already knows the message (a duplicate).</returns>
    private async ValueTask<long> AppendAsync(TransportMessage message, long now, CancellationToken cancellationToken)
    {
        var key = KeyOf(message.Envelope.Id, message.Recipient.Value);
        var entry = new LedgerEntry(message.Envelope.Id, message.Recipient.Value, message.OrderKey, MessageStatus.Pending, message.Attempts, now, null, null, now, now, 0, message.Envelope);
        var created = await CreateEntryAsync(_ledger, key, Serialize(entry), cancellationToken).ConfigureAwait(false);
        if (created.Success)
        {
            var sequence = checked((long)created.Value);
            _known[key] = (entry with { Sequence = sequence }, created.Value);
            return sequence;
        }

        if (created.Error is not NatsKVCreateException)
        {
            throw created.Error;
        }

        // An earlier enqueue may have created the entry and then failed before telling the scheduler (a timeout after the server applied
        // the create): a pending entry is handed out now rather than after the next restart.
        var existing = await TryGetAsync<byte[]>(_ledger, key, cancellationToken).ConfigureAwait(false);
        if (existing.Success && Deserialize(existing.Value.Value, existing.Value.Revision) is { Status: MessageStatus.Pending } known)
        {
            _scheduler.Add(message with { Attempts = known.Attempts, Sequence = known.Sequence }, known.DueAt, reserved: false);
        }

        return 0;
    }

    /// <summary>Creates a ledger entry; a retry that finds the key holding exactly this value takes the create as its own.</summary>
    private ValueTask<NatsResult<ulong>> CreateEntryAsync(INatsKVStore ledger, string key, byte[] value, CancellationToken cancellationToken) =>
        WriteOnceAsync<byte[]>(ledger, key, ct => TryCreateAtAsync(ledger, key, value, ct), stored => stored.AsSpan().SequenceEqual(value), cancellationToken);

    /// <summary>Replaces a ledger entry written at a revision; a retry that finds the key holding exactly this value takes the write as its own.</summary>
    private ValueTask<NatsResult<ulong>> ReplaceEntryAsync(string key, byte[] value, ulong revision, CancellationToken cancellationToken) =>
        WriteOnceAsync<byte[]>(_ledger, key, ct => TryUpdateAtAsync(_ledger, key, value, revision, ct), stored => stored.AsSpan().SequenceEqual(value), cancellationToken);

    /// <summary>Changes the ledger entry of a pending message handed out at <see cref="TransportMessage.Sequence"/>, with optimistic concurrency.</summary>
    private async ValueTask UpdateEntryAsync(TransportMessage message, Func<LedgerEntry, LedgerEntry> change, CancellationToken cancellationToken)
    {
        var key = KeyOf(message.Envelope.Id, message.Recipient.Value);
        if (_known.TryRemove(key, out var known) && known.Entry.Status == MessageStatus.Pending && known.Entry.Sequence == message.Sequence)
        {
            var next = change(known.Entry);
            var written = await TryCallAsync(ct => TryUpdateAtAsync(_ledger, key, Serialize(next), known.Revision, ct), cancellationToken).ConfigureAwait(false);
            if (written.Success)
            {
                Remember(key, next, written.Value);
                return;
            }

            if (written.Error is not NatsKVWrongLastRevisionException)
            {
                throw written.Error;
            }
        }

        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var read = await TryGetAsync<byte[]>(_ledger, key, cancellationToken).ConfigureAwait(false);
            if (!read.Success)
            {
                if (read.Error is NatsKVKeyNotFoundException or NatsKVKeyDeletedException)
                {
                    return;
                }

                throw read.Error;
            }

            var current = Deserialize(read.Value.Value, read.Value.Revision);
            if (current is null || current.Status != MessageStatus.Pending || current.Sequence != message.Sequence)
            {
                return;
            }

            var changed = change(current);
            var updated = await TryCallAsync(ct => TryUpdateAtAsync(_ledger, key, Serialize(changed), read.Value.Revision, ct), cancellationToken).ConfigureAwait(false);
            if (updated.Success)
            {
                Remember(key, changed, updated.Value);
                return;
            }

            if (updated.Error is not NatsKVWrongLastRevisionException)
            {
                throw updated.Error;
            }
        }

        throw new AosException($"The ledger entry of message '{message.Envelope.Id}' for '{message.Recipient.Value}' kept changing during {MaxUpdateAttempts} attempts to update it.");
    }

    /// <summary>
    /// Rewrites each entry written by an earlier version, whose envelope is a message of the stream, as one that holds its envelope, and
    /// removes the stream message; the entry takes the revision of the rewrite as its sequence. Updates <paramref name="entries"/> in place.
    /// </summary>
    /// <remarks>
    /// An entry whose stream message is gone is left as it is. A dead letter's index entry under its old sequence is removed; the one under
    /// its new sequence is written by <see cref="IndexDeadLettersAsync"/>, which a crash in between leaves to the next start.
    /// </remarks>
    private async ValueTask UpgradeAsync(List<(string Key, LedgerEntry Entry, ulong Revision)> entries, CancellationToken cancellationToken)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var (key, entry, revision) = entries[i];
            if (entry.Envelope is not null || await ReadEnvelopeAsync(_stream, entry.Sequence, cancellationToken).ConfigureAwait(false) is not { } envelope)
            {
                continue;
            }

            var written = await ReplaceEntryAsync(key, Serialize(entry with { Sequence = 0, Envelope = envelope }), revision, cancellationToken).ConfigureAwait(false);
            if (!written.Success)
            {
                // Only this instance writes its prefix's entries; a change since the read is another instance's, which upgrades it itself.
                ThrowUnlessRevisionConflict(written.Error);
                continue;
            }

            entries[i] = (key, entry with { Sequence = checked((long)written.Value), Envelope = envelope }, written.Value);
            if (entry.Status == MessageStatus.DeadLettered)
            {
                await RemoveKeyAsync(_ledger, DeadLetterKey(entry.Sequence), cancellationToken).ConfigureAwait(false);
            }

            await RemoveStreamMessageAsync(entry.Sequence, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the missing dead-letter index entries of a ledger's dead letters (after an upgrade or a take-over stopped between its writes).</summary>
    private async ValueTask IndexDeadLettersAsync(List<(string Key, LedgerEntry Entry, ulong Revision)> entries, CancellationToken cancellationToken)
    {
        var indexed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in await ReadLiveListAsync<string>(_ledger, "d.>", cancellationToken).ConfigureAwait(false))
        {
            indexed.Add(item.Key);
        }

        foreach (var (key, entry, _) in entries)
        {
            if (entry.Status == MessageStatus.DeadLettered && !indexed.Contains(DeadLetterKey(entry.Sequence)))
            {
                await CallAsync(ct => _ledger.PutAsync(DeadLetterKey(entry.Sequence), key, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Remembers a pending entry's revision for the next settlement; a settled entry is forgotten.</summary>
    private void Remember(string key, LedgerEntry entry, ulong revision)
    {
        if (entry.Status == MessageStatus.Pending)
        {
            _known[key] = (entry, revision);
        }
        else
        {
            _known.TryRemove(key, out _);
        }
    }

    /// <summary>Reads every live entry of this node's ledger whose key matches a filter, with its revision.</summary>
    private ValueTask<List<(string Key, LedgerEntry Entry, ulong Revision)>> ReadEntriesAsync(string filter, CancellationToken cancellationToken) =>
        ReadEntriesAsync(_ledger, filter, cancellationToken);

    /// <summary>Reads every live entry of a ledger whose key matches a filter, with its revision; a failed read is retried from the start.</summary>
    private async ValueTask<List<(string Key, LedgerEntry Entry, ulong Revision)>> ReadEntriesAsync(INatsKVStore ledger, string filter, CancellationToken cancellationToken) =>
        ToEntries(await ReadLiveListAsync<byte[]>(ledger, filter, cancellationToken).ConfigureAwait(false));

    /// <summary>Reads the current entry of every live key of a ledger whose key matches a filter, with its revision, even while those keys change.</summary>
    /// <remarks>For the reads of a few keys that other writers may be updating meanwhile; see <see cref="ReadCurrentAsync"/>.</remarks>
    private async ValueTask<List<(string Key, LedgerEntry Entry, ulong Revision)>> ReadCurrentEntriesAsync(INatsKVStore ledger, string filter, CancellationToken cancellationToken) =>
        ToEntries(await ReadCurrentAsync<byte[]>(ledger, filter, cancellationToken).ConfigureAwait(false));

    /// <summary>Reads the live entries of this node's ledger written before a time, oldest write first: up to the first written at or after the time, or, with <paramref name="whole"/>, every one; a failed read is retried from the start.</summary>
    /// <remarks>
    /// <para>
    /// For the prunes, which would otherwise read every delivered message of the de-duplication window (a day's traffic) to find the few
    /// older than it. The watch hands out every value the stream holds, which with the bucket's history of one is each key's latest, in the
    /// order of their revisions; as every write of this node stamps <see cref="LedgerEntry.UpdatedAt"/> with its clock, entries written
    /// before the time come first, and the read ends at the first one that is not. What it reads is what can be removed, plus the entries older than the time that stay: pending messages not written
    /// since, and dead letters.
    /// </para>
    /// <para>
    /// An entry written out of that order (one moved here from a lost node keeps its time, and writes of one batch can land in either
    /// order) is read by a later prune, once every entry written before it is older than the time. An entry stamped later than now (by a
    /// clock that ran ahead) does not end the read. Entries stamped by a clock that was ahead and then set back, or taken over from a node
    /// whose clock was ahead, can hold up the read of those written after them by as much as the clock was ahead; so each prune reads the
    /// ledger in whole once per <see cref="MessageBusOptions.DeduplicationWindow"/>, which bounds how late any entry is removed.
    /// </para>
    /// </remarks>
    private ValueTask<List<(string Key, LedgerEntry Entry, ulong Revision)>> ReadEntriesWrittenBeforeAsync(long before, bool whole, CancellationToken cancellationToken) =>
        CallBoundedAsync(
            async ct =>
            {
                var entries = new List<(string, LedgerEntry, ulong)>();
                var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
                await foreach (var item in ReadLiveAsync<byte[]>(_ledger, "m.>", ReadInRevisionOrderOpts, ct).ConfigureAwait(false))
                {
                    if (Deserialize(item.Value, item.Revision) is not { } entry)
                    {
                        continue;
                    }

                    if (entry.UpdatedAt < before)
                    {
                        entries.Add((item.Key, entry, item.Revision));
                    }
                    else if (!whole && entry.UpdatedAt <= now)
                    {
                        // An entry stamped ahead of now (by a clock that ran ahead) does not end the read: it would hold up every prune until then.
                        break;
                    }
                }

                return entries;
            },
            cancellationToken);

    /// <summary>Reads the ledger entries of stored values, with their keys and revisions; a value that holds no entry is passed over.</summary>
    private static List<(string Key, LedgerEntry Entry, ulong Revision)> ToEntries(List<NatsKVEntry<byte[]>> items)
    {
        var entries = new List<(string, LedgerEntry, ulong)>(items.Count);
        foreach (var item in items)
        {
            if (Deserialize(item.Value, item.Revision) is { } entry)
            {
                entries.Add((item.Key, entry, item.Revision));
            }
        }

        return entries;
    }

    /// <summary>Reads the current value of every live key of a bucket that matches a filter, even while those keys change: the keys the bucket's stream holds, then each key's latest value.</summary>
    /// <remarks>
    /// <para>
    /// A key that exists when the read starts is read at its value when its own get runs; a key deleted since is left out, and one created
    /// since may be. A watch (<see cref="ReadLiveAsync"/>) is no snapshot: on NATS 2.9 a key updated while the watch starts can be left out of
    /// it, and another delivered twice, and the watch still ends (6–11 % of the reads of three keys, two of them rewritten every millisecond).
    /// A lease renewed, or a message settled, during a read would then read as absent.
    /// </para>
    /// <para>
    /// It costs one request for the keys (per <see cref="MaxSubjectsPerInfo"/> of them) and one get per key, so it is for reads of a few keys:
    /// one message's entries, the leases. Reads of a whole ledger use the watch: no other writer changes its keys meanwhile, or one being
    /// changed may be passed over.
    /// </para>
    /// </remarks>
    private async ValueTask<List<NatsKVEntry<T>>> ReadCurrentAsync<T>(INatsKVStore bucket, string filter, CancellationToken cancellationToken)
    {
        var subjectPrefix = "$KV." + bucket.Bucket + ".";
        var keys = await CallBoundedAsync(
            async ct =>
            {
                // Pages are taken from an offset into the server's sorted list; a key added or removed between pages shifts it, so keys are
                // collected once each, and a page that adds none ends the listing.
                var listed = new HashSet<string>(StringComparer.Ordinal);
                var offset = 0;
                while (true)
                {
                    var request = new StreamInfoRequest { SubjectsFilter = subjectPrefix + filter, Offset = offset };
                    var stream = await _jetStream.GetStreamAsync("KV_" + bucket.Bucket, request, ct).ConfigureAwait(false);
                    var subjects = stream.Info.State.Subjects;
                    if (subjects is not { Count: > 0 })
                    {
                        return listed.ToList();
                    }

                    var before = listed.Count;
                    listed.UnionWith(subjects.Keys.Select(subject => subject[subjectPrefix.Length..]));
                    offset += subjects.Count;
                    if (subjects.Count < MaxSubjectsPerInfo || listed.Count == before)
                    {
                        return listed.ToList();
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);

        // The gets run side by side, a few at a time: a message published to a topic has an entry per subscriber.
        var entries = new NatsKVEntry<T>[keys.Count];
        var found = new bool[keys.Count];
        await Parallel.ForAsync(
            0,
            keys.Count,
            new ParallelOptions { MaxDegreeOfParallelism = ConcurrentGets, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var read = await TryGetAsync<T>(bucket, keys[i], ct).ConfigureAwait(false);
                if (read.Success)
                {
                    entries[i] = read.Value;
                    found[i] = true;
                }
                else if (read.Error is not (NatsKVKeyDeletedException or NatsKVKeyNotFoundException))
                {
                    throw read.Error;
                }
            }).ConfigureAwait(false);

        return [.. entries.Where((_, i) => found[i])];
    }

    /// <summary>
    /// Removes the delete and purge markers of a bucket that earlier versions left (<see cref="TryPurgeAtAsync"/>), until a pass over the
    /// whole bucket finds none; this version writes none, so later passes do nothing.
    /// </summary>
    /// <returns>How many markers were removed.</returns>
    private async ValueTask<int> RemoveMarkersAsync(INatsKVStore bucket, CancellationToken cancellationToken)
    {
        if (_markerFree.ContainsKey(bucket.Bucket))
        {
            return 0;
        }

        var markers = await ReadLiveListAsync<byte[]>(bucket, ">", markers: true, cancellationToken).ConfigureAwait(false);
        var removed = 0;
        foreach (var marker in markers)
        {
            var purged = await TryCallAsync(ct => TryPurgeAtAsync(bucket, marker.Key, marker.Revision, ct), cancellationToken).ConfigureAwait(false);
            removed += purged.Success ? 1 : 0;
        }

        if (markers.Count == 0)
        {
            _markerFree.TryAdd(bucket.Bucket, true);
        }

        return removed;
    }

    /// <summary>Reads every live value of a bucket whose key matches a filter; a failed read is retried from the start.</summary>
    private ValueTask<List<NatsKVEntry<T>>> ReadLiveListAsync<T>(INatsKVStore bucket, string filter, CancellationToken cancellationToken) =>
        ReadLiveListAsync<T>(bucket, filter, markers: false, cancellationToken);

    /// <summary>Reads every live value of a bucket whose key matches a filter, or, with <paramref name="markers"/>, every delete and purge marker; a failed read is retried from the start.</summary>
    private ValueTask<List<NatsKVEntry<T>>> ReadLiveListAsync<T>(INatsKVStore bucket, string filter, bool markers, CancellationToken cancellationToken) =>
        CallBoundedAsync(
            async ct =>
            {
                var items = new List<NatsKVEntry<T>>();
                await foreach (var item in ReadLiveAsync<T>(bucket, filter, markers ? ReadMarkersOpts : ReadAllOpts, ct).ConfigureAwait(false))
                {
                    items.Add(item);
                }

                return items;
            },
            cancellationToken);

    /// <summary>Reads the current value of every live key of a bucket that matches a filter through a watch (or, with <see cref="NatsKVWatchOpts.MetaOnly"/>, every marker), and stops at the end of the data.</summary>
    /// <remarks>
    /// The end is where the watch counts nothing more to deliver, or the bucket's last revision when the read began, whichever comes first:
    /// on NATS 2.9 a watch whose keys are rewritten meanwhile can count one more for ever, so the count alone would never end it. A key
    /// rewritten during the read can be left out or come twice (see <see cref="ReadCurrentAsync"/>), so this is for reads whose keys no
    /// other writer changes meanwhile, or where one being changed may be passed over.
    /// </remarks>
    private async IAsyncEnumerable<NatsKVEntry<T>> ReadLiveAsync<T>(INatsKVStore bucket, string filter, NatsKVWatchOpts opts, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var markers = opts.MetaOnly;
        var end = (await _jetStream.GetStreamAsync("KV_" + bucket.Bucket, cancellationToken: cancellationToken).ConfigureAwait(false)).Info.State.LastSeq;
        await foreach (var item in bucket.WatchAsync<T>(filter, opts: opts, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if ((item.Operation == NatsKVOperation.Put) != markers)
            {
                yield return item;
            }

            if (item.Delta == 0 || item.Revision >= end)
            {
                yield break;
            }
        }
    }

    /// <summary>Opens the stream where earlier versions kept the envelopes, or returns <see langword="null"/> when there is none.</summary>
    /// <remarks>This version never creates it: a node that only ever ran this version has no stream, and needs none.</remarks>
    private static async ValueTask<INatsJSStream?> FindStreamAsync(NatsJSContext jetStream, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await jetStream.GetStreamAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Gets an entry's envelope: its own, or, in an entry written by an earlier version, the stream message it names (<see langword="null"/>
    /// when that is gone, or there is no such stream).
    /// </summary>
    private ValueTask<Envelope?> EnvelopeOfAsync(INatsJSStream? stream, LedgerEntry entry, CancellationToken cancellationToken) =>
        entry.Envelope is { } envelope ? ValueTask.FromResult<Envelope?>(envelope) : ReadEnvelopeAsync(stream, entry.Sequence, cancellationToken);

    /// <summary>Reads the envelope held by a stream message (written by an earlier version), or <see langword="null"/> when the message or the stream is gone.</summary>
    private async ValueTask<Envelope?> ReadEnvelopeAsync(INatsJSStream? stream, long sequence, CancellationToken cancellationToken) =>
        stream is not null && await CallAsync(ct => ReadEnvelopeBytesOnceAsync(stream, sequence, ct), cancellationToken).ConfigureAwait(false) is { } data
            ? JsonSerializer.Deserialize(data, NatsJsonContext.Default.Envelope)
            : null;

    private static async ValueTask<byte[]?> ReadEnvelopeBytesOnceAsync(INatsJSStream stream, long sequence, CancellationToken cancellationToken)
    {
        NatsMsg<byte[]> message;
        try
        {
            message = await stream.GetDirectAsync<byte[]>(new StreamMsgGetRequest { Seq = (ulong)sequence }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return null;
        }

        return message.Headers?.Code == 404 || message.Data is not { Length: > 0 } data ? null : data;
    }

    private ValueTask RemoveStreamMessageAsync(long sequence, CancellationToken cancellationToken) => RemoveStreamMessageAsync(_stream, sequence, cancellationToken);

    private async ValueTask RemoveStreamMessageAsync(INatsJSStream? stream, long sequence, CancellationToken cancellationToken)
    {
        if (stream is null)
        {
            return;
        }

        try
        {
            await CallAsync(ct => stream.DeleteMessageAsync(new StreamMsgDeleteRequest { Seq = (ulong)sequence, NoErase = true }, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NatsJSApiException or DependencyUnavailableException)
        {
            // A leftover stream message is harmless: nothing refers to it, and it is never handed out.
            LogOrphanNotRemoved(_logger, sequence, e);
        }
    }

    private static byte[] Serialize(LedgerEntry entry) => JsonSerializer.SerializeToUtf8Bytes(entry, NatsJsonContext.Default.LedgerEntry);

    /// <summary>Reads a stored ledger entry written at a revision; a sequence stored as 0 is that revision.</summary>
    private static LedgerEntry? Deserialize(byte[]? value, ulong revision) =>
        value is { Length: > 0 } && JsonSerializer.Deserialize(value, NatsJsonContext.Default.LedgerEntry) is { } entry
            ? entry.Sequence == 0 ? entry with { Sequence = checked((long)revision) } : entry
            : null;

    /// <summary>Gets the ledger key of a message for a recipient; hashed, because ids and agent ids may hold characters keys do not allow.</summary>
    /// <remarks><c>m.</c>, then the first 32 bytes of the SHA-256 of the id and the first 16 of the recipient's, in lower-case hex, separated by a dot.</remarks>
    internal static string KeyOf(string messageId, string recipient)
    {
        Span<char> key = stackalloc char[KeyLength];
        WriteKeyPrefix(messageId, key);
        WriteHash(recipient, RecipientHashBytes, key[PrefixLength..]);
        return new string(key);
    }

    /// <summary>Gets the ledger key prefix shared by a message's entries for all its recipients.</summary>
    internal static string KeyPrefixOf(string messageId)
    {
        Span<char> prefix = stackalloc char[PrefixLength];
        WriteKeyPrefix(messageId, prefix);
        return new string(prefix);
    }

    private static string DeadLetterKey(long sequence) => "d." + sequence.ToString("D19", CultureInfo.InvariantCulture);

    private static void WriteKeyPrefix(string messageId, Span<char> destination)
    {
        destination[0] = 'm';
        destination[1] = '.';
        WriteHash(messageId, IdHashBytes, destination[2..]);
        destination[PrefixLength - 1] = '.';
    }

    /// <summary>Writes the first bytes of a text's SHA-256 in lower-case hex.</summary>
    private static void WriteHash(string value, int bytes, Span<char> destination)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = length > 512 ? System.Buffers.ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> utf8 = rented ?? stackalloc byte[512];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(value, utf8)], hash);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        Convert.TryToHexStringLower(hash[..bytes], destination, out _);
    }
}
