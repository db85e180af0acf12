using System.Text.Json;
using Aos.Agents;

namespace Aos.Abstractions.Tests.Agents;

public sealed class AgentOfTStateTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SaveAsync_AfterEvents_WritesStateAsCamelCaseJson()
    {
        var agent = NewAgent();
        await agent.LoadAsync(null, Cancellation);
        await agent.HandleAsync(FakeAgentContext.Message("tick"), isRequest: false, Cancellation);
        await agent.HandleAsync(FakeAgentContext.Message("tick"), isRequest: false, Cancellation);

        var saved = await agent.SaveAsync(Cancellation);

        Assert.Equal("""{"ticks":2}""", saved!.Value.GetRawText());
    }

    [Fact]
    public async Task LoadAsync_SavedState_RestoresIt()
    {
        var agent = NewAgent();
        await agent.LoadAsync(JsonElement.Parse("""{"ticks":41}"""), Cancellation);

        var reply = await agent.HandleAsync(FakeAgentContext.Message("tick"), isRequest: true, Cancellation);

        Assert.Equal("42", reply.Payload!.Value.GetRawText());
    }

    [Fact]
    public async Task LoadAsync_NoState_StartsFresh()
    {
        var agent = NewAgent();
        await agent.LoadAsync(JsonElement.Parse("""{"ticks":5}"""), Cancellation);

        await agent.LoadAsync(null, Cancellation);

        Assert.Equal("""{"ticks":0}""", (await agent.SaveAsync(Cancellation))!.Value.GetRawText());
    }

    private static TickAgent NewAgent()
    {
        var agent = new TickAgent();
        agent.Attach(new FakeAgentContext());
        return agent;
    }

    private sealed class TickState
    {
        public int Ticks { get; set; }
    }

    private sealed class TickAgent : Agent<TickState>
    {
        public TickAgent() => OnRequest<JsonElement, int>("tick", (_, _) => ValueTask.FromResult(++State.Ticks));
    }
}
