using System.Text.Json;
using Aos.Kernel.Workflows.Maf;
using Microsoft.Agents.AI.Workflows;

namespace Aos.Kernel.Tests.Workflows.Maf;

/// <summary>The MAF checkpoint store over the AOS grain storage: create, retrieve, list in commit order, and survive a restart.</summary>
public sealed class AosCheckpointStoreTests : IAsyncDisposable
{
    private readonly SqliteGrainStorageScope _storage = new();

    public ValueTask DisposeAsync() => _storage.DisposeAsync();

    [Fact]
    public async Task CreateCheckpointAsync_ThenRetrieve_ReturnsTheSameJson()
    {
        var store = new AosCheckpointStore(_storage.Storage);

        var checkpoint = await store.CreateCheckpointAsync("s-1", Json("""{"step":1,"queued":["HELLO"]}"""));
        var value = await store.RetrieveCheckpointAsync("s-1", checkpoint);

        Assert.Equal("s-1", checkpoint.SessionId);
        Assert.False(string.IsNullOrEmpty(checkpoint.CheckpointId));
        Assert.Equal(1, value.GetProperty("step").GetInt32());
        Assert.Equal("HELLO", value.GetProperty("queued")[0].GetString());
    }

    [Fact]
    public async Task RetrieveIndexAsync_ListsASessionsCheckpointsInCommitOrder_AndFiltersByParent()
    {
        var store = new AosCheckpointStore(_storage.Storage);
        var first = await store.CreateCheckpointAsync("s-1", Json("1"));
        var second = await store.CreateCheckpointAsync("s-1", Json("2"), first);
        var third = await store.CreateCheckpointAsync("s-1", Json("3"), second);
        var other = await store.CreateCheckpointAsync("s-2", Json("4"));

        Assert.Equal([first, second, third], await store.RetrieveIndexAsync("s-1"));
        Assert.Equal([other], await store.RetrieveIndexAsync("s-2"));
        Assert.Equal([third], await store.RetrieveIndexAsync("s-1", withParent: second));
        Assert.Empty(await store.RetrieveIndexAsync("s-1", withParent: third));
        Assert.Empty(await store.RetrieveIndexAsync("s-3"));
    }

    [Fact]
    public async Task Checkpoints_SurviveANewStoreOverTheSameStorageAfterARestart()
    {
        var first = await new AosCheckpointStore(_storage.Storage).CreateCheckpointAsync("run-1.step.1", Json("""{"n":1}"""));
        var second = await new AosCheckpointStore(_storage.Storage).CreateCheckpointAsync("run-1.step.1", Json("""{"n":2}"""), first);

        var reopened = new AosCheckpointStore(await _storage.RestartAsync());

        Assert.Equal([first, second], await reopened.RetrieveIndexAsync("run-1.step.1"));
        Assert.Equal(2, (await reopened.RetrieveCheckpointAsync("run-1.step.1", second)).GetProperty("n").GetInt32());
        var third = await reopened.CreateCheckpointAsync("run-1.step.1", Json("""{"n":3}"""), second);
        Assert.Equal([first, second, third], await reopened.RetrieveIndexAsync("run-1.step.1"));
    }

    [Fact]
    public async Task CreateCheckpointAsync_ConcurrentlyInOneSession_ListsEveryCheckpoint()
    {
        var stores = Enumerable.Range(0, 5).Select(_ => new AosCheckpointStore(_storage.Storage)).ToArray();

        var created = await Task.WhenAll(stores.Select((store, i) => store.CreateCheckpointAsync("s-1", Json($"{i}")).AsTask()));

        Assert.Equal(created.OrderBy(c => c.CheckpointId), (await stores[0].RetrieveIndexAsync("s-1")).OrderBy(c => c.CheckpointId));
    }

    [Fact]
    public async Task DeleteSessionAsync_RemovesThatSessionsCheckpoints_AndNoOthers()
    {
        var store = new AosCheckpointStore(_storage.Storage);
        var first = await store.CreateCheckpointAsync("s-1", Json("1"));
        var second = await store.CreateCheckpointAsync("s-1", Json("2"), first);
        var other = await store.CreateCheckpointAsync("s-2", Json("3"));

        Assert.Equal(2, await store.DeleteSessionAsync("s-1"));
        Assert.Equal(0, await store.DeleteSessionAsync("s-1"));

        Assert.Empty(await store.RetrieveIndexAsync("s-1"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.RetrieveCheckpointAsync("s-1", second).AsTask());
        Assert.Equal([other], await store.RetrieveIndexAsync("s-2"));
        Assert.Equal(3, (await store.RetrieveCheckpointAsync("s-2", other)).GetInt32());
        var again = await store.CreateCheckpointAsync("s-1", Json("4"));
        Assert.Equal([again], await store.RetrieveIndexAsync("s-1"));
    }

    [Fact]
    public async Task RetrieveCheckpointAsync_UnknownCheckpoint_ThrowsKeyNotFoundNamingIt()
    {
        var store = new AosCheckpointStore(_storage.Storage);

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => store.RetrieveCheckpointAsync("s-1", new CheckpointInfo("s-1", "missing")).AsTask());

        Assert.Contains("'missing'", error.Message);
    }

    [Fact]
    public async Task GetLatestCheckpointAsync_ThroughMafsCheckpointManager_IsTheLastCommitted()
    {
        var store = new AosCheckpointStore(_storage.Storage);
        await store.CreateCheckpointAsync("s-1", Json("1"));
        var last = await store.CreateCheckpointAsync("s-1", Json("2"));

        var latest = await CheckpointManager.CreateJson(store).GetLatestCheckpointAsync("s-1", TestContext.Current.CancellationToken);

        Assert.Equal(last, latest);
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
