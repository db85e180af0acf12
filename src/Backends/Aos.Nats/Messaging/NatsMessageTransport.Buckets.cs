using System.Collections.Concurrent;
using System.Globalization;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Aos.Nats.Messaging;

public sealed partial class NatsMessageTransport
{
    // The server's answer to a get of a subject that has no message (JSNoMessageFoundErr).
    private const int NoMessageFound = 10037;

    // The server's answers to a write whose expected last sequence of its subject is not the subject's (JSStreamWrongLastSequenceErr, and
    // its form for a sequence that was given as a constant).
    private const int WrongLastSequence = 10071;
    private const int WrongLastSequenceConstant = 10164;

    // How long a replicated bucket's stream remembers the message ids of conditional writes: far longer than two writes at one revision
    // are in flight together, and short enough that the server's record of ids stays small (at 10,000 writes/s, 300,000 ids).
    private static readonly TimeSpan ConditionalWriteWindow = TimeSpan.FromSeconds(30);

    // Whether each bucket this transport writes to is replicated, as its stream said when it was opened.
    private readonly ConcurrentDictionary<string, bool> _replicated = new(StringComparer.Ordinal);

    /// <summary>Creates a bucket of this transport, or updates it to this transport's settings, and prepares it (<see cref="PrepareBucketAsync"/>).</summary>
    private async ValueTask<INatsKVStore> CreateBucketAsync(NatsKVContext context, string bucket, CancellationToken cancellationToken)
    {
        var store = await context.CreateOrUpdateStoreAsync(
            new NatsKVConfig(bucket) { Storage = NatsKVStorageType.File, History = 1, NumberOfReplicas = _natsOptions.Replicas },
            cancellationToken).ConfigureAwait(false);
        return await PrepareBucketAsync(store, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Prepares a replicated bucket's stream for this transport's reads and writes; a bucket with one replica is returned as it is.</summary>
    /// <remarks>
    /// <para>
    /// Reads go to the stream's leader. NATS.Net gets a key with a direct get when the bucket's stream allows them, as a bucket created
    /// through the key-value API does, and any replica answers a direct get: a follower from what it has applied so far. The keys a read
    /// gets come from the leader's list, and a status read, or the update of an entry another node changed, needs the latest value: from a
    /// follower that lags, a listed key can read as absent and be left out, or a value can be one already replaced. With direct gets off,
    /// the store asks the leader (<c>$JS.API.STREAM.MSG.GET</c>). A bucket with one replica keeps them: its one server is its leader.
    /// </para>
    /// <para>
    /// Conditional writes carry message ids (<see cref="TryUpdateAtAsync{T}"/>), which the stream remembers for its duplicate window:
    /// <see cref="ConditionalWriteWindow"/> rather than the key-value API's 2 minutes keeps that record small.
    /// </para>
    /// <para>
    /// A store chooses from the stream configuration it last read, which <see cref="INatsKVStore.GetStatusAsync"/> reads again; so this
    /// changes the configuration and reads it until it shows the change. Another node that starts meanwhile changes it back with its
    /// create-or-update, and again after it.
    /// </para>
    /// </remarks>
    private async ValueTask<INatsKVStore> PrepareBucketAsync(INatsKVStore bucket, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var config = (await bucket.GetStatusAsync(cancellationToken).ConfigureAwait(false)).Info.Config;
            _replicated[bucket.Bucket] = config.NumReplicas > 1;
            if (config.NumReplicas <= 1 || (!config.AllowDirect && config.DuplicateWindow == ConditionalWriteWindow))
            {
                return bucket;
            }

            config.AllowDirect = false;
            config.DuplicateWindow = ConditionalWriteWindow;
            await _jetStream.UpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
        }

        throw new AosException(
            $"The stream of NATS bucket '{bucket.Bucket}' was changed back {MaxUpdateAttempts} times while this node set it up for a replicated ledger " +
            "(direct gets off, a short duplicate window). Check that no other program creates or updates the bucket.");
    }

    /// <summary>Gets the current entry of a key through the <c>transport:nats</c> pipeline.</summary>
    private ValueTask<NatsResult<NatsKVEntry<T>>> TryGetAsync<T>(INatsKVStore bucket, string key, CancellationToken cancellationToken) =>
        TryCallAsync(ct => TryGetEntryAsync<T>(bucket, key, ct), cancellationToken);

    /// <summary>Gets the current entry of a key.</summary>
    /// <remarks>A key a leader's get finds no message for comes back as <see cref="NatsKVKeyNotFoundException"/>, as it does from a direct get.</remarks>
    private static async ValueTask<NatsResult<NatsKVEntry<T>>> TryGetEntryAsync<T>(INatsKVStore bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            return await bucket.TryGetEntryAsync<T>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error is { Code: 404, ErrCode: NoMessageFound })
        {
            return new NatsKVKeyNotFoundException();
        }
    }

    /// <summary>Writes a key's value only when the key's last revision is <paramref name="revision"/>, as <see cref="INatsKVStore.TryUpdateAsync{T}"/> does, and so that one write of two at the same revision is stored on a JetStream cluster too.</summary>
    /// <remarks>
    /// <para>
    /// On a replicated stream, <c>nats-server</c> before 2.9.21 checks a write's expected revision before the write is replicated, not as part
    /// of it (nats-server#4320): two writes at the same revision that are in flight together can both be stored, and both writers told they
    /// won. On the 2.9.10 cluster the tests run against, both were stored in 109–187 of 200–300 tries. Each conditional write to a replicated
    /// bucket here also carries a message id made of its key and revision, and JetStream's duplicate detection, which does count writes in
    /// flight, stores one of them (none of 600 tries stored both): the other is answered as a duplicate, and comes back here as a revision
    /// conflict, as it would from a single server, which checks writes one at a time and needs no id.
    /// </para>
    /// <para>
    /// Two writes at one revision are always a conflict: once one is stored the key's revision moves on. A retry whose own first attempt was
    /// stored unseen is a conflict as well; <see cref="WriteOnceAsync{T}"/> tells it apart by the value the key holds.
    /// </para>
    /// </remarks>
    private ValueTask<NatsResult<ulong>> TryUpdateAtAsync<T>(INatsKVStore bucket, string key, T value, ulong revision, CancellationToken cancellationToken) =>
        TryWriteAtAsync(bucket, key, value, revision, withId: true, cancellationToken);

    /// <summary>Creates a key that has no value, as NATS.Net's <c>TryCreateAsync</c> does, with its writes made as <see cref="TryUpdateAtAsync{T}"/> makes them.</summary>
    /// <remarks>
    /// A create is a write at revision 0, or, where an earlier version left a delete or purge marker, at the marker's revision. This
    /// version removes keys without markers (<see cref="TryPurgeAtAsync"/>), so a key removed and created again within the duplicate
    /// window of a replicated bucket finds its earlier create's message id remembered: it is created without an id, as on a single server.
    /// </remarks>
    /// <returns>The new revision; <see cref="NatsKVCreateException"/> when the key holds a value.</returns>
    private async ValueTask<NatsResult<ulong>> TryCreateAtAsync<T>(INatsKVStore bucket, string key, T value, CancellationToken cancellationToken)
    {
        var (revision, withId) = (0UL, true);
        for (var attempt = 0; ; attempt++)
        {
            var created = await TryWriteAtAsync(bucket, key, value, revision, withId, cancellationToken).ConfigureAwait(false);
            if (created.Success || created.Error is not NatsKVWrongLastRevisionException || attempt == MaxUpdateAttempts)
            {
                return created;
            }

            // Part of the caller's attempt, as the writes are: a failed get fails the attempt, and the pipeline retries it whole.
            var current = await TryGetEntryAsync<T>(bucket, key, cancellationToken).ConfigureAwait(false);
            if (current.Success)
            {
                return new NatsKVCreateException();
            }

            switch (current.Error)
            {
                case NatsKVKeyDeletedException deleted:
                    (revision, withId) = (deleted.Revision, true);
                    break;
                case NatsKVKeyNotFoundException:
                    // Absent after a write at 0 was refused: its id was taken by an earlier create of the key, since removed.
                    (revision, withId) = (0, revision != 0);
                    break;
                default:
                    return current.Error;
            }
        }
    }

    /// <summary>Removes a key's value, leaving nothing of it behind, only when it is still the value written at <paramref name="revision"/>.</summary>
    /// <remarks>
    /// A key-value delete or purge writes a marker, which the bucket keeps for ever: a ledger that purged each delivered message after the
    /// de-duplication window kept a message, a subject and a server index entry for every message it ever carried, and the nodes bucket one
    /// for every node ever taken over. This purges the key's subject from the bucket's stream up to and including
    /// <paramref name="revision"/>, one request that the stream applies in order with the writes: a bucket keeps one value per key, so it
    /// removes the value when it is still the one written at that revision, and nothing when the key was written since.
    /// </remarks>
    /// <returns>Success, or <see cref="NatsKVWrongLastRevisionException"/> when the key holds a later value, or none.</returns>
    private async ValueTask<NatsResult> TryPurgeAtAsync(INatsKVStore bucket, string key, ulong revision, CancellationToken cancellationToken)
    {
        var purged = await _jetStream.PurgeStreamAsync(
            "KV_" + bucket.Bucket,
            new StreamPurgeRequest { Filter = "$KV." + bucket.Bucket + "." + key, Seq = revision + 1 },
            cancellationToken).ConfigureAwait(false);
        return purged.Purged > 0 ? NatsResult.Default : Conflict(key, revision, "holds a later value, or none");
    }

    /// <summary>Removes a key and everything its bucket holds of it, through the <c>transport:nats</c> pipeline; a key that is not there is not an error.</summary>
    private async ValueTask RemoveKeyAsync(INatsKVStore bucket, string key, CancellationToken cancellationToken) =>
        await CallAsync(
            ct => _jetStream.PurgeStreamAsync("KV_" + bucket.Bucket, new StreamPurgeRequest { Filter = "$KV." + bucket.Bucket + "." + key }, ct),
            cancellationToken).ConfigureAwait(false);

    private static NatsKVWrongLastRevisionException Conflict(string key, ulong revision, string what) =>
        new(new ApiError { Code = 400, ErrCode = WrongLastSequence, Description = $"key '{key}' {what} (expected revision {revision})" });

    private async ValueTask<NatsResult<ulong>> TryWriteAtAsync<T>(INatsKVStore bucket, string key, T value, ulong revision, bool withId, CancellationToken cancellationToken)
    {
        var opts = withId && _replicated.GetValueOrDefault(bucket.Bucket)
            ? new NatsJSPubOpts { ExpectedLastSubjectSequence = revision, MsgId = key + "@" + revision.ToString(CultureInfo.InvariantCulture) }
            : new NatsJSPubOpts { ExpectedLastSubjectSequence = revision };
        var written = await _jetStream.TryPublishAsync("$KV." + bucket.Bucket + "." + key, value, opts: opts, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!written.Success)
        {
            return written.Error;
        }

        var ack = written.Value;
        return ack switch
        {
            { Error: { ErrCode: WrongLastSequence or WrongLastSequenceConstant } error } => new NatsKVWrongLastRevisionException(error),
            { Error: { } error } => new NatsJSApiException(error),
            { Duplicate: true } => Conflict(key, revision, "was written at this revision already"),
            _ => ack.Seq,
        };
    }
}
