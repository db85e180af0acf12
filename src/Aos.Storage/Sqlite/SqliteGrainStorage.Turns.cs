using Aos.Storage.Messaging;
using Orleans.Runtime;
using Orleans.Storage;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteGrainStorage : IAgentTurnStore
{
    /// <inheritdoc />
    public async Task CommitTurnAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, AgentId agentId, AgentTurnWrites writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        ArgumentNullException.ThrowIfNull(writes);
        var appends = writes.Appends;
        ArgumentNullException.ThrowIfNull(agentId.Value, nameof(agentId));
        var etag = grainState.ETag;
        if (!TryParseETag(etag, out var expected))
        {
            throw Conflict("write", stateName, grainId, null, etag);
        }

        var journal = new SqliteAgentJournal.Append[appends.Count];
        for (var i = 0; i < appends.Count; i++)
        {
            var append = appends[i];
            ArgumentOutOfRangeException.ThrowIfLessThan(append.Keep, 1, nameof(appends));
            journal[i] = new SqliteAgentJournal.Append(_schema.Database, agentId.Value, (int)append.Kind, append.Entries, append.Timestamp.ToUnixTimeMilliseconds(), append.Keep);
        }

        var data = ToArray(_serializer.Serialize(grainState.State));
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _journalSchema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _processedSchema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _outboxSchema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var processedAt = writes.CommittedAt.ToUnixTimeMilliseconds();
        var key = (Provider: _name, State: stateName, Grain: grainId.ToString());
        var (ok, version) = await _schema.Database.WriteReplayableAsync(
            connection =>
            {
                var result = Write(connection, key, expected, data);
                if (result.Ok)
                {
                    foreach (var append in journal)
                    {
                        append.Execute(connection);
                    }

                    foreach (var processed in writes.ProcessedMessageIds)
                    {
                        SqliteProcessedMessageLog.Insert(connection, agentId.Value, processed, processedAt);
                    }

                    foreach (var delivery in writes.Deliveries)
                    {
                        SqliteMessageTransport.MarkDelivered(connection, delivery, processedAt);
                    }

                    SqliteAgentOutbox.Insert(connection, agentId.Value, writes.Outbox);
                }

                return result;
            },
            cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            throw Conflict("write", stateName, grainId, version, etag);
        }

        grainState.ETag = FormatETag(version);
        grainState.RecordExists = true;
    }
}
