using Aos.Conversations;
using Aos.Messaging;

namespace Aos.Conformance.Kernel;

/// <summary>Defines the behaviour every <see cref="IConversationStore"/> must have.</summary>
public abstract partial class ConversationStoreConformanceTests : KernelStoreConformanceTests<IConversationStore>
{
    private static readonly AgentId Alice = AgentId.Parse("alice");
    private static readonly AgentId Bob = AgentId.Parse("bob");
    private static readonly AgentId Carol = AgentId.Parse("carol");

    [Fact]
    public async Task RecordAsync_Messages_StartTheConversationInOrderWithParticipantsByFirstAppearance()
    {
        var start = Time.GetUtcNow();
        var sent = start.AddMinutes(-5);

        await Store.RecordAsync(
        [
            (Message("m1", "c1", source: "http", target: Alice, timestamp: sent), [Alice]),
            (Message("m2", "c1", source: Alice.Value, topic: "orders.eu"), [Bob, Carol]),
        ], Ct);
        Time.Advance(TimeSpan.FromSeconds(3));
        await Store.RecordAsync([(Message("m3", "c1", source: Bob.Value, target: Alice), [Alice])], Ct);

        var conversation = (await Store.GetAsync("c1", 10, Ct))!;
        Assert.Equal("c1", conversation.Id);
        Assert.Equal(Conversation.Open, conversation.Status);
        Assert.Equal(["http", "alice", "bob", "carol"], conversation.Participants);
        Assert.Empty(conversation.RequiredRoles);
        Assert.Empty(conversation.SignOffs);
        Assert.Equal(start, conversation.CreatedAt);
        Assert.Equal(start.AddSeconds(3), conversation.UpdatedAt);
        Assert.Equal([1L, 2L, 3L], conversation.Messages.Select(m => m.Sequence));
        var first = conversation.Messages[0];
        Assert.Equal(("m1", "note", "http", "alice", (string?)null, sent), (first.MessageId, first.Type, first.Source, first.Target, first.Topic, first.At));
        var second = conversation.Messages[1];
        Assert.Equal(("alice", (string?)null, "orders.eu", start), (second.Source, second.Target, second.Topic, second.At));
    }

    [Fact]
    public async Task PruneAsync_ForgetsIdleConversationsThatWaitForNothing_AndKeepsOnesAwaitingSignOff()
    {
        await Store.RecordAsync([(Message("m1", "plain"), [Alice])], Ct);
        await Store.RequireRolesAsync("done", ["legal"], Ct);
        await Store.RecordAsync([(Message("m2", "done"), [Alice])], Ct);
        await Store.SignOffAsync("done", "legal", "bob", Ct);
        await Store.RequireRolesAsync("waiting", ["legal"], Ct);
        await Store.RecordAsync([(Message("m3", "waiting"), [Alice])], Ct);
        Time.Advance(TimeSpan.FromDays(2));
        await Store.RecordAsync([(Message("m4", "recent"), [Alice])], Ct);

        Assert.Equal(2, await Store.PruneAsync(Time.GetUtcNow().AddDays(-1), Ct));

        Assert.Null(await Store.GetAsync("plain", 10, Ct));
        Assert.Null(await Store.GetAsync("done", 10, Ct));
        Assert.Equal("m3", Assert.Single((await Store.GetAsync("waiting", 10, Ct))!.Messages).MessageId);
        Assert.Equal("m4", Assert.Single((await Store.GetAsync("recent", 10, Ct))!.Messages).MessageId);
        Assert.Equal(2, await CountRowsAsync("conversation_messages"));
        Assert.Equal(0, await Store.PruneAsync(Time.GetUtcNow().AddDays(-1), Ct));

        // A message recorded under a forgotten id starts the conversation anew.
        await Store.RecordAsync([(Message("m5", "plain"), [Bob])], Ct);
        var again = (await Store.GetAsync("plain", 10, Ct))!;
        Assert.Equal([("m5", 1L)], again.Messages.Select(m => (m.MessageId, m.Sequence)));
        Assert.Equal(Time.GetUtcNow(), again.CreatedAt);
    }

    [Fact]
    public async Task RecordAsync_MessagesWithoutConversation_AreIgnored()
    {
        await Store.RecordAsync([(Message("m1", null), [Alice]), (Message("m2", string.Empty), [Alice])], Ct);
        await Store.RecordAsync([(Message("m3", "c1"), [Bob]), (Message("m4", null), [Carol])], Ct);

        Assert.Equal(1, await CountRowsAsync("conversations"));
        Assert.Equal("m3", Assert.Single((await Store.GetAsync("c1", 10, Ct))!.Messages).MessageId);
        Assert.Equal(1, await CountRowsAsync("conversation_messages"));
    }

    [Fact]
    public async Task RecordAsync_SameMessageTwice_KeepsItOnceAndChangesNothing()
    {
        await Store.RecordAsync([(Message("m1", "c1", source: "alice"), [Bob])], Ct);
        var before = (await Store.GetAsync("c1", 10, Ct))!;
        Time.Advance(TimeSpan.FromMinutes(1));

        await Store.RecordAsync([(Message("m1", "c1", source: "alice"), [Carol]), (Message("m1", "c1", source: "alice"), [Carol])], Ct);
        await Store.RecordAsync([(Message("m2", "c1", source: "alice"), [])], Ct);

        var after = (await Store.GetAsync("c1", 10, Ct))!;
        Assert.Equal(["alice", "bob"], after.Participants);
        Assert.Equal([("m1", 1L), ("m2", 2L)], after.Messages.Select(m => (m.MessageId, m.Sequence)));
        Assert.Equal(before.CreatedAt, after.CreatedAt);
    }

    [Fact]
    public async Task RecordAsync_SeveralConversationsInOneBatch_NumbersEachFromOne()
    {
        await Store.RecordAsync(
        [
            (Message("a1", "ca"), [Alice]),
            (Message("b1", "cb"), [Bob]),
            (Message("a2", "ca"), [Alice]),
        ], Ct);

        Assert.Equal([("a1", 1L), ("a2", 2L)], (await Store.GetAsync("ca", 10, Ct))!.Messages.Select(m => (m.MessageId, m.Sequence)));
        Assert.Equal([("b1", 1L)], (await Store.GetAsync("cb", 10, Ct))!.Messages.Select(m => (m.MessageId, m.Sequence)));
    }

    [Fact]
    public async Task GetAsync_MessageLimit_ReturnsTheNewestOldestFirst()
    {
        await Store.RecordAsync([.. Enumerable.Range(1, 5).Select(i => (Message($"m{i}", "c1"), (IReadOnlyList<AgentId>)[Alice]))], Ct);

        Assert.Equal(["m4", "m5"], (await Store.GetAsync("c1", 2, Ct))!.Messages.Select(m => m.MessageId));
        var none = (await Store.GetAsync("c1", 0, Ct))!;
        Assert.Empty(none.Messages);
        Assert.Equal(["alice"], none.Participants);
    }

    [Fact]
    public async Task GetAsync_Unknown_ReturnsNull()
    {
        Assert.Null(await Store.GetAsync("nothing", 10, Ct));
    }

    [Fact]
    public async Task GetAsync_NegativeLimit_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.GetAsync("c1", -1, Ct));
    }

    [Fact]
    public async Task RecordAsync_AfterRestart_ConversationIsStillThere()
    {
        await Store.RecordAsync([(Message("m1", "kept"), [Alice])], Ct);

        await RestartAsync();

        Assert.Equal("m1", Assert.Single((await Store.GetAsync("kept", 10, Ct))!.Messages).MessageId);
    }

    protected static Envelope Message(string id, string? conversationId, string? source = null, AgentId? target = null, string? topic = null, DateTimeOffset timestamp = default) => new()
    {
        Id = id,
        Type = "note",
        Source = source,
        Target = target,
        Topic = topic,
        ConversationId = conversationId,
        Timestamp = timestamp,
    };
}
