using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Aos.Nats.Messaging;

public sealed partial class NatsMessageTransport
{
    // The server's answer to a get of a subject that has no message (JSNoMessageFoundErr).
    private const int NoMessageFound = 10037;

    /// <summary>Creates a bucket of this transport, or updates it to this transport's settings, with its gets answered by its stream's leader.</summary>
    private async ValueTask<INatsKVStore> CreateBucketAsync(NatsKVContext context, string bucket, CancellationToken cancellationToken)
    {
        var store = await context.CreateOrUpdateStoreAsync(
            new NatsKVConfig(bucket) { Storage = NatsKVStorageType.File, History = 1, NumberOfReplicas = _natsOptions.Replicas },
            cancellationToken).ConfigureAwait(false);
        return await ReadFromLeaderAsync(store, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes a replicated bucket's gets go to its stream's leader; a bucket with one replica is returned as it is.</summary>
    /// <remarks>
    /// <para>
    /// NATS.Net gets a key with a direct get when the bucket's stream allows them, as a bucket created through the key-value API does, and
    /// any replica answers a direct get: a follower from what it has applied so far. The keys a read gets come from the leader's list, and
    /// a status read, or the update of an entry another node changed, needs the latest value: from a follower that lags, a listed key can
    /// read as absent and be left out, or a value can be one already replaced. With direct gets off, the store asks the leader
    /// (<c>$JS.API.STREAM.MSG.GET</c>). A bucket with one replica keeps them: its one server is its leader.
    /// </para>
    /// <para>
    /// A store chooses from the stream configuration it last read, which <see cref="INatsKVStore.GetStatusAsync"/> reads again; so this
    /// turns direct gets off and reads the configuration until it shows them off. Another node that starts meanwhile turns them back on with
    /// its create-or-update, and off again after it.
    /// </para>
    /// </remarks>
    private async ValueTask<INatsKVStore> ReadFromLeaderAsync(INatsKVStore bucket, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var config = (await bucket.GetStatusAsync(cancellationToken).ConfigureAwait(false)).Info.Config;
            if (config.NumReplicas <= 1 || !config.AllowDirect)
            {
                return bucket;
            }

            config.AllowDirect = false;
            await _jetStream.UpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
        }

        throw new AosException(
            $"Direct gets on the stream of NATS bucket '{bucket.Bucket}' were turned back on {MaxUpdateAttempts} times while this node turned them off. " +
            "Reads of a replicated bucket must be answered by its leader; check that no other program creates or updates the bucket.");
    }

    /// <summary>Gets the current entry of a key through the <c>transport:nats</c> pipeline.</summary>
    /// <remarks>A key a leader's get finds no message for comes back as <see cref="NatsKVKeyNotFoundException"/>, as it does from a direct get.</remarks>
    private ValueTask<NatsResult<NatsKVEntry<T>>> TryGetAsync<T>(INatsKVStore bucket, string key, CancellationToken cancellationToken) =>
        TryCallAsync(
            async ct =>
            {
                try
                {
                    return await bucket.TryGetEntryAsync<T>(key, cancellationToken: ct).ConfigureAwait(false);
                }
                catch (NatsJSApiException e) when (e.Error is { Code: 404, ErrCode: NoMessageFound })
                {
                    return new NatsKVKeyNotFoundException();
                }
            },
            cancellationToken);
}
