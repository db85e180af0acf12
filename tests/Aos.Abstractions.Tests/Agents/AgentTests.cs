using System.Text.Json;
using Aos.Agents;
using Aos.Messaging;

namespace Aos.Abstractions.Tests.Agents;

public sealed class AgentTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HandleAsync_TypedEvent_CallsItsHandlerWithTheDeserializedPayload()
    {
        var agent = Attach(new OrderAgent());

        var reply = await agent.HandleAsync(FakeAgentContext.RawMessage("order.created", """{"orderId":"o-7","amount":12.5}"""), isRequest: false, Cancellation);

        Assert.True(reply.Handled);
        Assert.Null(reply.Payload);
        Assert.Equal(new Order("o-7", 12.5m), Assert.Single(agent.Orders));
    }

    [Fact]
    public async Task HandleAsync_Request_RepliesWithItsResultInCamelCase()
    {
        var agent = Attach(new OrderAgent());

        var reply = await agent.HandleAsync(FakeAgentContext.Message("order.total", new Order("o-1", 2m)), isRequest: true, Cancellation);

        Assert.True(reply.Handled);
        Assert.Equal("""{"orderId":"o-1","total":4}""", reply.Payload!.Value.GetRawText());
    }

    [Fact]
    public async Task HandleAsync_EnvelopeHandler_ReceivesTheWholeMessage()
    {
        var agent = Attach(new OrderAgent());
        var message = FakeAgentContext.Message("order.raw", new { x = 1 });

        await agent.HandleAsync(message, isRequest: false, Cancellation);

        Assert.Same(message, agent.LastEnvelope);
    }

    [Fact]
    public async Task HandleAsync_PayloadOfWrongShape_ThrowsValidationNamingTypeAndMessage()
    {
        var agent = Attach(new OrderAgent());

        var error = await Assert.ThrowsAsync<AosValidationException>(async () =>
            await agent.HandleAsync(FakeAgentContext.RawMessage("order.created", """{"orderId":"o-7","amount":"lots"}"""), isRequest: false, Cancellation));

        Assert.Equal("payload", error.Field);
        Assert.Contains("'order.created'", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Order), error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<JsonException>(error.InnerException);
        Assert.Empty(agent.Orders);
    }

    [Fact]
    public async Task HandleAsync_UnhandledRequest_IsRefusedListingHandledTypes()
    {
        var agent = Attach(new OrderAgent(), id: "orders-1", type: "orders");

        var error = await Assert.ThrowsAsync<AosValidationException>(async () =>
            await agent.HandleAsync(FakeAgentContext.Message("order.cancel"), isRequest: true, Cancellation));

        Assert.Equal("type", error.Field);
        Assert.Contains("'orders-1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'order.cancel'", error.Message, StringComparison.Ordinal);
        Assert.Contains("It handles: order.created, order.raw, order.total.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_UnhandledRequestWithoutHandlers_SaysItHandlesNone()
    {
        var agent = Attach(new SilentAgent());

        var error = await Assert.ThrowsAsync<AosValidationException>(async () =>
            await agent.HandleAsync(FakeAgentContext.Message("ping"), isRequest: true, Cancellation));

        Assert.Contains("It handles: none.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_UnhandledEvent_IsReportedUnhandledWithoutError()
    {
        var agent = Attach(new OrderAgent());

        var reply = await agent.HandleAsync(FakeAgentContext.Message("order.cancel"), isRequest: false, Cancellation);

        Assert.False(reply.Handled);
    }

    [Fact]
    public void HandledTypes_ListsRegisteredHandlers()
    {
        Assert.Equal(["order.created", "order.raw", "order.total"], new OrderAgent().HandledTypes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Context_BeforeAttach_ThrowsExplaining()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ContextInConstructorAgent());

        Assert.Contains("OnActivateAsync", error.Message, StringComparison.Ordinal);
    }

    private static T Attach<T>(T agent, string id = "agent-1", string type = "test")
        where T : Agent
    {
        agent.Attach(new FakeAgentContext(id, type));
        return agent;
    }

    private sealed record Order(string OrderId, decimal Amount);

    private sealed record OrderTotal(string OrderId, decimal Total);

    private sealed class OrderAgent : Agent
    {
        public OrderAgent()
        {
            On<Order>("order.created", (order, _) =>
            {
                Orders.Add(order);
                return ValueTask.CompletedTask;
            });
            On<Envelope>("order.raw", (message, _) =>
            {
                LastEnvelope = message;
                return ValueTask.CompletedTask;
            });
            OnRequest<Order, OrderTotal>("order.total", (order, _) => ValueTask.FromResult(new OrderTotal(order.OrderId, order.Amount * 2)));
        }

        public List<Order> Orders { get; } = [];

        public Envelope? LastEnvelope { get; private set; }
    }

    private sealed class SilentAgent : Agent;

    private sealed class ContextInConstructorAgent : Agent
    {
        public ContextInConstructorAgent() => _ = Context.Descriptor;
    }
}
