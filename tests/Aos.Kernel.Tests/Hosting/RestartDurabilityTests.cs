using System.Text.Json;
using Aos.Agents;
using Aos.Hosting;
using Aos.Kernel.Registry;
using Aos.Kernel.Tests.Support;
using Aos.Kernel.Tests.TestAgents;
using Aos.Testing;

namespace Aos.Kernel.Tests.Hosting;

public sealed class RestartDurabilityTests
{
    private static readonly AgentId Counter = AgentId.Parse("counter-1");
    private static readonly AgentId Books = AgentId.Parse("books-1");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_SameDataDirectoryAfterStop_FindsEverythingAsItWas()
    {
        using var data = new TempDirectory();
        AgentInfo counterBefore, booksBefore;
        AgentContextSnapshot counterContextBefore, booksContextBefore;
        await using (var host = await StartAsync(data.Path))
        {
            await host.Registry.RegisterAsync(
                [
                    new AgentRegistration { Id = Counter.Value, Type = CounterAgent.TypeName, Purpose = "Count things.", Capabilities = ["counting"] },
                    new AgentRegistration { Id = Books.Value, Type = "purpose", Purpose = "Keep the books.", Subscriptions = ["ledger"] },
                ],
                Cancellation);
            for (var i = 0; i < 5; i++)
            {
                await SendAsync(host, Counter, "count");
            }

            await SendAsync(host, Counter, "fail");
            await SendAsync(host, Books, "aos.context.set", new { key = "currency", value = "EUR" });
            var goal = await RequestAsync(host, Books, "aos.goal.add", new { description = "Close the quarter" });
            await SendAsync(host, Books, "aos.goal.update", new { goalId = goal!.Value.GetProperty("id").GetString(), progress = 0.25 });
            await SendAsync(host, Books, "aos.decision.record", new { decision = "Use EUR", rationale = "All customers pay in EUR." });

            counterBefore = await host.Registry.GetAsync(Counter, Cancellation);
            booksBefore = await host.Registry.GetAsync(Books, Cancellation);
            counterContextBefore = await host.Registry.GetContextAsync(Counter, cancellationToken: Cancellation);
            booksContextBefore = await host.Registry.GetContextAsync(Books, cancellationToken: Cancellation);
            await host.StopAsync();
        }

        await using (var host = await StartAsync(data.Path))
        {
            var counter = await host.Registry.GetAsync(Counter, Cancellation);
            var books = await host.Registry.GetAsync(Books, Cancellation);
            AssertSameAgent(counterBefore, counter);
            AssertSameAgent(booksBefore, books);
            Assert.Equal(AgentStatus.Sleeping, counter.Status);
            Assert.Equal(6, counter.EventsProcessed);
            Assert.Equal(1, counter.EventsFailed);
            Assert.Equal(["ledger"], books.Descriptor.Subscriptions);

            var counterContext = await host.Registry.GetContextAsync(Counter, cancellationToken: Cancellation);
            var booksContext = await host.Registry.GetContextAsync(Books, cancellationToken: Cancellation);
            Assert.Equal(5, counterContext.Counters["count"]);
            Assert.Equal(counterContextBefore.History.Select(h => (h.MessageId, h.Outcome)), counterContext.History.Select(h => (h.MessageId, h.Outcome)));
            Assert.Equal("EUR", booksContext.Values["currency"].GetString());
            Assert.Equal(booksContextBefore.Goals, booksContext.Goals);
            Assert.Equal(0.25, Assert.Single(booksContext.Goals).Progress);
            Assert.Equal("Use EUR", Assert.Single(booksContext.Decisions).Decision);
            Assert.Equal(4, booksContext.History.Count);
            Assert.Equal(booksContextBefore.History.Select(h => h.MessageId), booksContext.History.Select(h => h.MessageId));

            var state = (await RequestAsync(host, Counter, "get"))!.Value.Deserialize<CounterState>(JsonSerializerOptions.Web)!;
            Assert.Equal(5, state.Count);
            await SendAsync(host, Counter, "count");
            var after = await host.Registry.GetAsync(Counter, Cancellation);
            Assert.Equal(counterBefore.WakeCount + 1, after.WakeCount);
            Assert.Equal(6, (await host.Registry.GetContextAsync(Counter, cancellationToken: Cancellation)).Counters["count"]);
        }
    }

    private static Task<AosTestHost> StartAsync(string dataDirectory) =>
        AosTestHost.StartAsync(dataDirectory, new Dictionary<string, string?> { ["Aos:Kernel:RetryBaseDelay"] = "00:00:00.005" }, aos => aos.AddAgent<CounterAgent>());

    private static void AssertSameAgent(AgentInfo expected, AgentInfo actual)
    {
        Assert.Equal(expected.Descriptor.Id, actual.Descriptor.Id);
        Assert.Equal(expected.Descriptor.Type, actual.Descriptor.Type);
        Assert.Equal(expected.Descriptor.Purpose, actual.Descriptor.Purpose);
        Assert.Equal(expected.Descriptor.Capabilities, actual.Descriptor.Capabilities);
        Assert.Equal(expected.Descriptor.CreatedAt, actual.Descriptor.CreatedAt);
        Assert.Equal(expected.EventsProcessed, actual.EventsProcessed);
        Assert.Equal(expected.EventsFailed, actual.EventsFailed);
        Assert.Equal(expected.WakeCount, actual.WakeCount);
        Assert.Equal(expected.LastEventAt, actual.LastEventAt);
    }

    private static Task SendAsync(AosTestHost host, AgentId id, string type, object? payload = null) =>
        host.Client.SendAsync(id, host.Client.CreateMessage(type, payload is null ? null : JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web)), Cancellation);

    private static Task<JsonElement?> RequestAsync(AosTestHost host, AgentId id, string type, object? payload = null) =>
        host.Client.RequestAsync(id, host.Client.CreateMessage(type, payload is null ? null : JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web)), cancellationToken: Cancellation);
}
