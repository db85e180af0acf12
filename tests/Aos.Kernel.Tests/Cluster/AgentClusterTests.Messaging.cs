using System.Text.Json;
using Aos.Kernel.Agents;

namespace Aos.Kernel.Tests.Cluster;

public abstract partial class AgentClusterTests
{
    [Fact]
    public async Task RequestAsync_Echo_RepliesWithTypeAndPayload()
    {
        var id = await RegisterAsync("echo");

        var reply = await RequestAsync(id, "anything", new { a = 1, b = new[] { "x", "y" } });

        Assert.Equal("""{"type":"echo","payload":{"a":1,"b":["x","y"]}}""", reply!.Value.GetRawText());
    }

    [Fact]
    public async Task SendAsync_Echo_IsHandledAndRecorded()
    {
        var id = await RegisterAsync("echo");

        var result = await SendAsync(id, "note", new { text = "hello" }, source: "tester");

        Assert.Equal(HistoryOutcome.Handled, result.Outcome);
        var entry = Assert.Single((await Registry.GetContextAsync(id, cancellationToken: Cancellation)).History);
        Assert.Equal(result.MessageId, entry.MessageId);
        Assert.Equal("note", entry.Type);
        Assert.Equal("tester", entry.Source);
        Assert.Equal("""{"text":"hello"}""", entry.Payload!.Value.GetRawText());
    }

    [Fact]
    public async Task SendAsync_UnregisteredAgent_ThrowsNotFound()
    {
        var error = await Assert.ThrowsAsync<AgentNotFoundException>(() => SendAsync(AgentId.Parse(NewId("ghost")), "count"));

        Assert.Contains("ghost-", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurposeAgent_Goals_AreBounded_TheOldestCompletedMakesRoom_AndOpenOnesAreNeverDropped()
    {
        var id = await RegisterAsync("purpose", purpose: "Keep the books.");
        var ids = new List<string>();
        for (var i = 1; i <= AgentClusterFixture.GoalLimit; i++)
        {
            ids.Add((await RequestAsync(id, "aos.goal.add", new { description = $"goal {i}" }))!.Value.GetProperty("id").GetString()!);
        }

        var refused = await Assert.ThrowsAsync<AosValidationException>(() => RequestAsync(id, "aos.goal.add", new { description = "one too many" }));
        await RequestAsync(id, "aos.goal.update", new { goalId = ids[1], progress = 1.0 });
        var added = (await RequestAsync(id, "aos.goal.add", new { description = "made room" }))!.Value.GetProperty("id").GetString()!;
        var removed = (await RequestAsync(id, "aos.goal.remove", new { goalId = ids[0] }))!.Value.GetBoolean();
        var removedAgain = (await RequestAsync(id, "aos.goal.remove", new { goalId = ids[0] }))!.Value.GetBoolean();

        Assert.Contains($"{AgentClusterFixture.GoalLimit} open goals, its limit (Aos:Kernel:GoalLimit)", refused.Message, StringComparison.Ordinal);
        Assert.True(removed);
        Assert.False(removedAgain);
        var context = await Registry.GetContextAsync(id, cancellationToken: Cancellation);
        Assert.Equal([.. ids.Skip(2), added], context.Goals.Select(g => g.Id));
    }

    [Fact]
    public async Task PurposeAgent_SystemMessages_SetContextAndTrackGoalsAndRecordHistory()
    {
        var id = await RegisterAsync("purpose", purpose: "Keep the books.");

        var set = await SendAsync(id, "aos.context.set", new { key = "currency", value = "EUR" });
        var goal = (await RequestAsync(id, "aos.goal.add", new { description = "Close the quarter" }))!.Value;
        var goalId = goal.GetProperty("id").GetString();
        var halfway = await SendAsync(id, "aos.goal.update", new { goalId, progress = 0.5 });
        var done = (await RequestAsync(id, "aos.goal.update", new { goalId, progress = 1.0 }))!.Value;
        var refused = await Assert.ThrowsAsync<AosValidationException>(() => RequestAsync(id, "aos.goal.update", new { goalId, progress = 1.5 }));

        Assert.Equal(HistoryOutcome.Handled, set.Outcome);
        Assert.Equal(HistoryOutcome.Handled, halfway.Outcome);
        Assert.Equal("Close the quarter", goal.GetProperty("description").GetString());
        Assert.True(done.GetProperty("completed").GetBoolean());
        Assert.Contains("between 0 and 1", refused.Message, StringComparison.Ordinal);

        var context = await Registry.GetContextAsync(id, cancellationToken: Cancellation);
        Assert.Equal("EUR", context.Values["currency"].GetString());
        var stored = Assert.Single(context.Goals);
        Assert.Equal(goalId, stored.Id);
        Assert.Equal(1.0, stored.Progress);
        Assert.True(stored.Completed);
        Assert.NotNull(stored.CompletedAt);
        Assert.Equal(
            ["aos.context.set", "aos.goal.add", "aos.goal.update", "aos.goal.update", "aos.goal.update"],
            context.History.Select(h => h.Type));
        Assert.Equal(
            [HistoryOutcome.Handled, HistoryOutcome.Handled, HistoryOutcome.Handled, HistoryOutcome.Handled, HistoryOutcome.Failed],
            context.History.Select(h => h.Outcome));
        Assert.Contains("between 0 and 1", context.History[^1].Error, StringComparison.Ordinal);
        Assert.Equal(1, context.History[^1].Attempts);

        var info = await Registry.GetAsync(id, Cancellation);
        Assert.Equal(5, info.EventsProcessed);
        Assert.Equal(1, info.EventsFailed);
        Assert.Equal("Keep the books.", info.Descriptor.Purpose);
    }

    [Fact]
    public async Task PurposeAgent_UnhandledRequest_IsRefusedListingSystemMessages()
    {
        var id = await RegisterAsync("purpose");

        var error = await Assert.ThrowsAsync<AosValidationException>(() => RequestAsync(id, "do.something"));

        Assert.Contains("aos.context.set, aos.decision.record, aos.goal.add, aos.goal.remove, aos.goal.update", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestAsync_ReplyJson_CanBeReadAsTyped()
    {
        var id = await RegisterAsync("purpose");

        var reply = await RequestAsync(id, "aos.context.set", new { key = "k", value = new { n = 3 } });

        Assert.Equal(3, reply!.Value.GetProperty("n").GetInt32());
        Assert.Equal(JsonValueKind.Object, (await Registry.GetContextAsync(id, cancellationToken: Cancellation)).Values["k"].ValueKind);
    }

    [Fact]
    public async Task PurposeAgent_ContextSetWithoutValue_StoresNull()
    {
        var id = await RegisterAsync("purpose");

        var asEvent = await SendAsync(id, "aos.context.set", new { key = "cleared" });
        var reply = await RequestAsync(id, "aos.context.set", new { key = "also-cleared" });

        Assert.Equal(HistoryOutcome.Handled, asEvent.Outcome);
        Assert.Equal(JsonValueKind.Null, reply!.Value.ValueKind);
        var values = (await Registry.GetContextAsync(id, cancellationToken: Cancellation)).Values;
        Assert.Equal(JsonValueKind.Null, values["cleared"].ValueKind);
        Assert.Equal(JsonValueKind.Null, values["also-cleared"].ValueKind);
    }
}
