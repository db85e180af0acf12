using System.Text.Json;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Agents.AI.Workflows.Checkpointing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Aos.Kernel.Workflows.Maf;

/// <summary>Keeps Microsoft Agent Framework workflow checkpoints in the AOS grain storage, so a MAF workflow can resume after a restart.</summary>
/// <remarks>
/// <para>
/// Each checkpoint is one record, keyed by its session and id; each session has an index record that lists its checkpoint ids in the
/// order they were committed, with their parents. A checkpoint is stored before it is listed, so a crash in between leaves an unlisted
/// record and never a listed id without one.
/// </para>
/// <para>
/// The store is safe for concurrent use. Commits to one session from several places at once are serialized by the grain storage's
/// optimistic concurrency: the index is read, appended to and written with its ETag, and read again when another writer got there first.
/// </para>
/// </remarks>
/// <param name="storage">The grain storage that holds the checkpoints.</param>
public sealed class AosCheckpointStore([FromKeyedServices(AosStorageNames.GrainStorage)] IGrainStorage storage) : JsonCheckpointStore
{
    private const string CheckpointStateName = "maf-checkpoint";
    private const string IndexStateName = "maf-checkpoint-index";
    private const int MaxIndexAttempts = 8;

    private readonly IGrainStorage _storage = storage ?? throw new ArgumentNullException(nameof(storage));

    /// <inheritdoc />
    public override async ValueTask<CheckpointInfo> CreateCheckpointAsync(string sessionId, JsonElement value, CheckpointInfo? parent = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        var checkpoint = new CheckpointInfo(sessionId, Guid.NewGuid().ToString("N"));
        var record = new GrainState<CheckpointRecord>(new CheckpointRecord(value.GetRawText(), parent?.CheckpointId));
        await _storage.WriteStateAsync(CheckpointStateName, CheckpointKey(sessionId, checkpoint.CheckpointId), record);

        for (var attempt = 1; ; attempt++)
        {
            var index = await ReadIndexAsync(sessionId);
            index.State!.Entries.Add(new CheckpointIndexEntry(checkpoint.CheckpointId, parent?.CheckpointId));
            try
            {
                await _storage.WriteStateAsync(IndexStateName, IndexKey(sessionId), index);
                return checkpoint;
            }
            catch (InconsistentStateException) when (attempt < MaxIndexAttempts)
            {
                // Another commit to this session wrote the index since it was read: read it again and append to that.
            }
        }
    }

    /// <inheritdoc />
    public override async ValueTask<JsonElement> RetrieveCheckpointAsync(string sessionId, CheckpointInfo key)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(key);
        var record = new GrainState<CheckpointRecord>();
        await _storage.ReadStateAsync(CheckpointStateName, CheckpointKey(sessionId, key.CheckpointId), record);
        if (!record.RecordExists || record.State is null)
        {
            throw new KeyNotFoundException($"Checkpoint '{key.CheckpointId}' of MAF session '{sessionId}' is not in the AOS storage.");
        }

        using var document = JsonDocument.Parse(record.State.Json);
        return document.RootElement.Clone();
    }

    /// <inheritdoc />
    /// <remarks>The checkpoints come in the order they were committed, the latest last; with a parent, only its children are listed.</remarks>
    public override async ValueTask<IEnumerable<CheckpointInfo>> RetrieveIndexAsync(string sessionId, CheckpointInfo? withParent = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        var index = await ReadIndexAsync(sessionId);
        return index.State!.Entries
            .Where(entry => withParent is null || entry.Parent == withParent.CheckpointId)
            .Select(entry => new CheckpointInfo(sessionId, entry.Id))
            .ToArray();
    }

    /// <summary>Removes a session's listed checkpoints and its index, once nothing will resume from them.</summary>
    /// <remarks>Removing a session that has none, or removing one twice, changes nothing.</remarks>
    /// <param name="sessionId">The session.</param>
    /// <returns>How many checkpoints were removed.</returns>
    public async ValueTask<int> DeleteSessionAsync(string sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        var index = await ReadIndexAsync(sessionId);
        var removed = 0;
        foreach (var entry in index.State!.Entries)
        {
            var key = CheckpointKey(sessionId, entry.Id);
            var record = new GrainState<CheckpointRecord>();
            await _storage.ReadStateAsync(CheckpointStateName, key, record);
            if (record.RecordExists)
            {
                await _storage.ClearStateAsync(CheckpointStateName, key, record);
                removed++;
            }
        }

        if (index.RecordExists)
        {
            await _storage.ClearStateAsync(IndexStateName, IndexKey(sessionId), index);
        }

        return removed;
    }

    private async Task<GrainState<CheckpointIndex>> ReadIndexAsync(string sessionId)
    {
        var index = new GrainState<CheckpointIndex>();
        await _storage.ReadStateAsync(IndexStateName, IndexKey(sessionId), index);
        index.State ??= new CheckpointIndex();
        return index;
    }

    // Checkpoint ids are ours (no '/'), so "<session>/<id>" names one checkpoint even when the session id holds a '/'.
    private static GrainId CheckpointKey(string sessionId, string checkpointId) => GrainId.Create("aos-maf-checkpoint", $"{sessionId}/{checkpointId}");

    private static GrainId IndexKey(string sessionId) => GrainId.Create("aos-maf-checkpoints", sessionId);

    [GenerateSerializer, Immutable, Alias("aos.maf-checkpoint")]
    internal sealed record CheckpointRecord([property: Id(0)] string Json, [property: Id(1)] string? Parent);

    [GenerateSerializer, Immutable, Alias("aos.maf-checkpoint-index-entry")]
    internal sealed record CheckpointIndexEntry([property: Id(0)] string Id, [property: Id(1)] string? Parent);

    [GenerateSerializer, Alias("aos.maf-checkpoint-index")]
    internal sealed class CheckpointIndex
    {
        [Id(0)] public List<CheckpointIndexEntry> Entries { get; set; } = [];
    }
}
