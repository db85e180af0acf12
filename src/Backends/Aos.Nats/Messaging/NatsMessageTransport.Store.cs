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

    private static readonly NatsKVWatchOpts ReadAllOpts = new() { OnNoData = static _ => ValueTask.FromResult(true) };

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
            await CallAsync(
                async ct =>
                {
                    await _connection.ConnectAsync().ConfigureAwait(false);
                    _jetStream = new NatsJSContext(_connection);
                    _stream = await _jetStream.CreateOrUpdateStreamAsync(
                        new StreamConfig(StreamName, [_subject])
                        {
                            Storage = StreamConfigStorage.File,
                            NumReplicas = _natsOptions.Replicas,
                            DuplicateWindow = _natsOptions.DuplicateWindow,
                            AllowDirect = true,
                        },
                        ct).ConfigureAwait(false);
                    var keyValue = new NatsKVContext(_jetStream);
                    _ledger = await keyValue.CreateOrUpdateStoreAsync(
                        new NatsKVConfig(BucketName) { Storage = NatsKVStorageType.File, History = 1, NumberOfReplicas = _natsOptions.Replicas },
                        ct).ConfigureAwait(false);

                    // The lease first: a node that was taken over stops the move of its messages before it reads what is left of them.
                    await RegisterAsync(keyValue, ct).ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);

            var pending = (await ReadEntriesAsync("m.>", cancellationToken).ConfigureAwait(false))
                .Where(e => e.Entry.Status == MessageStatus.Pending)
                .OrderBy(e => e.Entry.Sequence)
                .ToList();
            foreach (var (key, entry, revision) in pending)
            {
                _known[key] = (entry, revision);
                if (await ReadEnvelopeAsync(entry.Sequence, cancellationToken).ConfigureAwait(false) is not { } envelope)
                {
                    LogEnvelopeMissing(_logger, entry.MessageId, entry.Recipient, entry.Sequence);
                    continue;
                }

                var message = new TransportMessage(envelope, AgentId.Parse(entry.Recipient), entry.OrderKey, entry.Attempts, entry.Sequence);
                _scheduler.Add(message, entry.DueAt, reserved: false);
            }

            LogStarted(_logger, StreamName, BucketName, pending.Count);
            _started = true;
        }
        finally
        {
            _startLock.Release();
        }
    }

    /// <summary>Publishes a message's envelope and creates its ledger entry.</summary>
    /// <returns>The stream sequence, or 0 when the ledger already knows the message (a duplicate).</returns>
    private async ValueTask<long> AppendAsync(TransportMessage message, long now, CancellationToken cancellationToken)
    {
        var key = KeyOf(message.Envelope.Id, message.Recipient.Value);
        var body = JsonSerializer.SerializeToUtf8Bytes(message.Envelope, NatsJsonContext.Default.Envelope);
        var (sequence, republished) = await PublishAsync(body, key, cancellationToken).ConfigureAwait(false);
        var entry = new LedgerEntry(message.Envelope.Id, message.Recipient.Value, message.OrderKey, MessageStatus.Pending, message.Attempts, now, null, null, now, now, sequence);
        var created = await WriteOnceAsync<byte[]>(_ledger, key, ct => _ledger.TryCreateAsync(key, Serialize(entry), cancellationToken: ct), value => Deserialize(value) == entry, cancellationToken).ConfigureAwait(false);
        if (!created.Success)
        {
            if (created.Error is not NatsKVCreateException)
            {
                throw created.Error;
            }

            // Within the duplicate window JetStream answers a re-publish with the first message's sequence, which the existing entry
            // may hold (a concurrent enqueue of the same message won the create): only a stream message nobody refers to is removed.
            var existing = await TryCallAsync(ct => _ledger.TryGetEntryAsync<byte[]>(key, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            var known = existing.Success ? Deserialize(existing.Value.Value) : null;
            if (known?.Sequence != sequence)
            {
                await RemoveStreamMessageAsync(sequence, cancellationToken).ConfigureAwait(false);
            }

            // An earlier enqueue may have created the entry and then failed before telling the scheduler (a timeout after the
            // server applied the create): a pending entry is handed out now rather than after the next restart.
            if (known is { Status: MessageStatus.Pending })
            {
                _scheduler.Add(message with { Attempts = known.Attempts, Sequence = known.Sequence }, known.DueAt, reserved: false);
            }

            return 0;
        }

        if (!republished || await ReadEnvelopeAsync(sequence, cancellationToken).ConfigureAwait(false) is not null)
        {
            _known[key] = (entry, created.Value);
            return sequence;
        }

        // The message was pruned within the duplicate window, so JetStream pointed at a stream message that is gone: publish it anew.
        (sequence, _) = await PublishAsync(body, key + "." + Guid.NewGuid().ToString("N"), cancellationToken).ConfigureAwait(false);
        var moved = entry with { Sequence = sequence };
        var updated = await WriteOnceAsync<byte[]>(_ledger, key, ct => _ledger.TryUpdateAsync(key, Serialize(moved), created.Value, cancellationToken: ct), value => Deserialize(value) == moved, cancellationToken).ConfigureAwait(false);
        if (!updated.Success)
        {
            await RemoveStreamMessageAsync(sequence, cancellationToken).ConfigureAwait(false);
            throw updated.Error;
        }

        _known[key] = (moved, updated.Value);
        return sequence;
    }

    /// <summary>Publishes an envelope and waits for the ack.</summary>
    /// <returns>The stream sequence, and whether JetStream recognised the message id as one it already stored.</returns>
    private async ValueTask<(long Sequence, bool Duplicate)> PublishAsync(byte[] body, string messageId, CancellationToken cancellationToken)
    {
        // The message id makes a repeat safe: JetStream answers it with the first stream message, flagged as a duplicate.
        return await CallAsync(
            async ct =>
            {
                var ack = await _jetStream.PublishAsync(_subject, body, opts: new NatsJSPubOpts { MsgId = messageId }, cancellationToken: ct).ConfigureAwait(false);
                if (ack.Error is { } error)
                {
                    throw new NatsJSApiException(error);
                }

                return (checked((long)ack.Seq), ack.Duplicate);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Changes the ledger entry of a pending message handed out at <see cref="TransportMessage.Sequence"/>, with optimistic concurrency.</summary>
    private async ValueTask UpdateEntryAsync(TransportMessage message, Func<LedgerEntry, LedgerEntry> change, CancellationToken cancellationToken)
    {
        var key = KeyOf(message.Envelope.Id, message.Recipient.Value);
        if (_known.TryRemove(key, out var known) && known.Entry.Status == MessageStatus.Pending && known.Entry.Sequence == message.Sequence)
        {
            var next = change(known.Entry);
            var written = await TryCallAsync(ct => _ledger.TryUpdateAsync(key, Serialize(next), known.Revision, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
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
            var read = await TryCallAsync(ct => _ledger.TryGetEntryAsync<byte[]>(key, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            if (!read.Success)
            {
                if (read.Error is NatsKVKeyNotFoundException or NatsKVKeyDeletedException)
                {
                    return;
                }

                throw read.Error;
            }

            var current = Deserialize(read.Value.Value);
            if (current is null || current.Status != MessageStatus.Pending || current.Sequence != message.Sequence)
            {
                return;
            }

            var changed = change(current);
            var updated = await TryCallAsync(ct => _ledger.TryUpdateAsync(key, Serialize(changed), read.Value.Revision, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
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
    private ValueTask<List<(string Key, LedgerEntry Entry, ulong Revision)>> ReadEntriesAsync(INatsKVStore ledger, string filter, CancellationToken cancellationToken) =>
        CallAsync(ct => ReadEntriesOnceAsync(ledger, filter, ct), cancellationToken);

    /// <summary>Reads every live value of a bucket whose key matches a filter; a failed read is retried from the start.</summary>
    private ValueTask<List<NatsKVEntry<T>>> ReadLiveListAsync<T>(INatsKVStore bucket, string filter, CancellationToken cancellationToken) =>
        CallAsync(
            async ct =>
            {
                var items = new List<NatsKVEntry<T>>();
                await foreach (var item in ReadLiveAsync<T>(bucket, filter, ct).ConfigureAwait(false))
                {
                    items.Add(item);
                }

                return items;
            },
            cancellationToken);

    private static async ValueTask<List<(string Key, LedgerEntry Entry, ulong Revision)>> ReadEntriesOnceAsync(INatsKVStore ledger, string filter, CancellationToken cancellationToken)
    {
        var entries = new List<(string, LedgerEntry, ulong)>();
        await foreach (var item in ReadLiveAsync<byte[]>(ledger, filter, cancellationToken).ConfigureAwait(false))
        {
            if (Deserialize(item.Value) is { } entry)
            {
                entries.Add((item.Key, entry, item.Revision));
            }
        }

        return entries;
    }

    /// <summary>Reads the current value of every live key of a bucket that matches a filter, and stops at the end of the data.</summary>
    private static async IAsyncEnumerable<NatsKVEntry<T>> ReadLiveAsync<T>(INatsKVStore bucket, string filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in bucket.WatchAsync<T>(filter, opts: ReadAllOpts, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (item.Operation == NatsKVOperation.Put)
            {
                yield return item;
            }

            if (item.Delta == 0)
            {
                yield break;
            }
        }
    }

    /// <summary>Reads the envelope held by a message of this node's stream, or <see langword="null"/> when the message is gone.</summary>
    private async ValueTask<Envelope?> ReadEnvelopeAsync(long sequence, CancellationToken cancellationToken) =>
        await ReadEnvelopeBytesAsync(_stream, sequence, cancellationToken).ConfigureAwait(false) is { } data
            ? JsonSerializer.Deserialize(data, NatsJsonContext.Default.Envelope)
            : null;

    /// <summary>Reads the serialized envelope held by a stream message, or <see langword="null"/> when the message is gone.</summary>
    private ValueTask<byte[]?> ReadEnvelopeBytesAsync(INatsJSStream stream, long sequence, CancellationToken cancellationToken) =>
        CallAsync(ct => ReadEnvelopeBytesOnceAsync(stream, sequence, ct), cancellationToken);

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

    private async ValueTask RemoveStreamMessageAsync(INatsJSStream stream, long sequence, CancellationToken cancellationToken)
    {
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

    private static LedgerEntry? Deserialize(byte[]? value) =>
        value is { Length: > 0 } ? JsonSerializer.Deserialize(value, NatsJsonContext.Default.LedgerEntry) : null;

    /// <summary>Gets the ledger key of a message for a recipient; hashed, because ids and agent ids may hold characters keys do not allow.</summary>
    internal static string KeyOf(string messageId, string recipient) => KeyPrefixOf(messageId) + Hash(recipient, 16);

    /// <summary>Gets the ledger key prefix shared by a message's entries for all its recipients.</summary>
    internal static string KeyPrefixOf(string messageId) => "m." + Hash(messageId, 32) + ".";

    private static string DeadLetterKey(long sequence) => "d." + sequence.ToString("D19", CultureInfo.InvariantCulture);

    private static string Hash(string value, int bytes) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)).AsSpan(0, bytes));
}
