using Aos.Kernel.Tests.TestAgents;
using Aos.Messaging;

namespace Aos.Kernel.Tests.Messaging;

public abstract partial class MessageBusTests
{
    [Fact]
    public async Task QueuedMessagesOfOneSender_AreProcessedInOrder_InOneCommit()
    {
        var agent = await RegisterAsync();
        var gate = await HoldAsync(agent);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await SendFromAsync(agent, "batcher", MessagePriority.Normal));
        }

        gate.Open();
        foreach (var id in ids)
        {
            Assert.Equal("delivered", await _settled.WaitAsync(id, agent));
        }

        Assert.Equal([gate.MessageId, .. ids], (await StateAsync(agent)).Received);
        var history = (await Registry.GetContextAsync(agent, cancellationToken: Ct)).History.Where(h => ids.Contains(h.MessageId)).ToList();
        Assert.Equal(ids, history.Select(h => h.MessageId));
        Assert.Single(history.Select(h => h.Timestamp).Distinct());
    }

    [Fact]
    public async Task Batch_WithAFailingMessage_KeepsNone_AndEachIsThenProcessedOnceOnItsOwn()
    {
        var agent = await RegisterAsync();
        var gate = await HoldAsync(agent);
        var ok1 = (await Bus.SendAsync(Message("work", new { failures = 0 }) with { Target = agent, Source = "batcher" }, Ct)).MessageId;
        var flaky = (await Bus.SendAsync(Message("work", new { failures = 1 }) with { Target = agent, Source = "batcher" }, Ct)).MessageId;
        var ok2 = (await Bus.SendAsync(Message("work", new { failures = 0 }) with { Target = agent, Source = "batcher" }, Ct)).MessageId;

        gate.Open();
        foreach (var id in new[] { ok1, flaky, ok2 })
        {
            Assert.Equal("delivered", await _settled.WaitAsync(id, agent));
        }

        Assert.Equal([gate.MessageId, ok1, flaky, ok2], (await StateAsync(agent)).Received);
        Assert.Contains(_settled.All, s => s.Id == ok1 && s.Outcome == "retry");
        Assert.Equal(2, BusAgent.AttemptsOf(agent, flaky));
        var history = (await Registry.GetContextAsync(agent, cancellationToken: Ct)).History;
        Assert.Equal([ok1, flaky, ok2], history.Select(h => h.MessageId).Where(id => id is not null && (id == ok1 || id == flaky || id == ok2)));
    }
}
