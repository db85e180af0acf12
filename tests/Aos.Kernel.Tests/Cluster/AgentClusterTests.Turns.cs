using Aos.Kernel.Agents;
using Aos.Kernel.Tests.TestAgents;

namespace Aos.Kernel.Tests.Cluster;

public abstract partial class AgentClusterTests
{
    [Fact]
    public async Task SendAsync_ManyEvents_CountersAndStateAreExact()
    {
        var id = await RegisterAsync(CounterAgent.TypeName);

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HistoryOutcome.Handled, (await SendAsync(id, "count")).Outcome);
        }

        var state = await GetCounterStateAsync(id);
        var context = await Registry.GetContextAsync(id, cancellationToken: Cancellation);
        var info = await Registry.GetAsync(id, Cancellation);
        Assert.Equal(50, state.Count);
        Assert.Equal(50, context.Counters["count"]);
        Assert.Equal(51, info.EventsProcessed);
        Assert.Equal(0, info.EventsFailed);
        Assert.Equal(51, context.History.Count);
    }

    [Fact]
    public async Task SendAsync_ConcurrentSenders_EveryEventIsCounted()
    {
        const int senders = 8;
        const int eventsPerSender = 25;
        var id = await RegisterAsync(CounterAgent.TypeName);

        var sends = Enumerable.Range(0, senders).Select(sender => Task.Run(async () =>
        {
            var client = Fixture.Client(sender);
            for (var i = 0; i < eventsPerSender; i++)
            {
                await SendAsync(id, "count", source: $"sender-{sender}", client: client);
            }
        }));
        await Task.WhenAll(sends);

        var state = await GetCounterStateAsync(id);
        var context = await Registry.GetContextAsync(id, limit: 1000, Cancellation);
        Assert.Equal(senders * eventsPerSender, state.Count);
        Assert.Equal(senders * eventsPerSender, context.Counters["count"]);
        Assert.All(state.Sources.GroupBy(s => s), g => Assert.Equal(eventsPerSender, g.Count()));
        Assert.Equal(senders, state.Sources.Distinct().Count());
        Assert.Equal(senders * eventsPerSender, context.History.Where(h => h.Type == "count").Select(h => h.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task SendAsync_HandlerFailsOnce_IsHandledOnSecondAttemptWithoutTheFailedAttemptsChanges()
    {
        var id = await RegisterAsync(CounterAgent.TypeName);
        await SendAsync(id, "count");

        var result = await SendAsync(id, "flaky");

        Assert.Equal(HistoryOutcome.Handled, result.Outcome);
        Assert.Null(result.Error);
        var context = await Registry.GetContextAsync(id, cancellationToken: Cancellation);
        var entry = context.History[^1];
        Assert.Equal("flaky", entry.Type);
        Assert.Equal(HistoryOutcome.Handled, entry.Outcome);
        Assert.Equal(2, entry.Attempts);
        Assert.Equal(2, context.Counters["count"]);
        Assert.Equal(2, (await GetCounterStateAsync(id)).Count);
        Assert.Equal(0, (await Registry.GetAsync(id, Cancellation)).EventsFailed);
    }

    [Fact]
    public async Task SendAsync_HandlerAlwaysFails_IsRecordedFailedAndAgentKeepsServing()
    {
        var id = await RegisterAsync(CounterAgent.TypeName);

        var failed = await SendAsync(id, "fail");
        var next = await SendAsync(id, "count");

        Assert.Equal(HistoryOutcome.Failed, failed.Outcome);
        Assert.Contains("always fails", failed.Error, StringComparison.Ordinal);
        Assert.Equal(HistoryOutcome.Handled, next.Outcome);
        var context = await Registry.GetContextAsync(id, cancellationToken: Cancellation);
        var failure = context.History[0];
        Assert.Equal(HistoryOutcome.Failed, failure.Outcome);
        Assert.Equal(3, failure.Attempts);
        Assert.Contains("InvalidOperationException", failure.Error, StringComparison.Ordinal);
        Assert.Equal(1, context.Counters["count"]);
        Assert.Equal(1, (await GetCounterStateAsync(id)).Count);
        var info = await Registry.GetAsync(id, Cancellation);
        Assert.Equal(1, info.EventsFailed);
        Assert.Equal(3, info.EventsProcessed);
    }

    [Fact]
    public async Task RequestAsync_HandlerAlwaysFails_ThrowsNamingTheRequest()
    {
        var id = await RegisterAsync(CounterAgent.TypeName);

        var error = await Assert.ThrowsAsync<AosException>(() => RequestAsync(id, "fail"));

        Assert.Contains("'fail'", error.Message, StringComparison.Ordinal);
        Assert.Contains("always fails", error.Message, StringComparison.Ordinal);
    }
}
