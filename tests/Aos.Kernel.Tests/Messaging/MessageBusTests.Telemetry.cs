using System.Collections.Concurrent;
using System.Diagnostics;
using Aos.Kernel.Diagnostics;
using Aos.Messaging;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Aos.Kernel.Tests.Messaging;

/// <remarks>The kernel's meter is process-wide and other tests run in parallel: assertions look for this test's own measurements or spans.</remarks>
public abstract partial class MessageBusTests
{
    [Fact]
    public async Task Trace_OfTheSender_ContinuesInTheReceiversTurn()
    {
        using var source = new ActivitySource("Aos.Kernel.Tests.Bus");
        var turns = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is KernelDiagnostics.Name or "Aos.Kernel.Tests.Bus",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => turns.Enqueue(a),
        };
        ActivitySource.AddActivityListener(listener);
        var agent = await RegisterAsync();

        string messageId;
        ActivityTraceId traceId;
        using (var sending = source.StartActivity("send"))
        {
            traceId = sending!.TraceId;
            messageId = (await Bus.SendAsync(Message("note") with { Target = agent }, Ct)).MessageId;
        }

        Assert.Equal("delivered", await _settled.WaitAsync(messageId, agent));
        var turn = Assert.Single(turns, a => (string?)a.GetTagItem("aos.message.id") == messageId);
        Assert.Equal(traceId, turn.TraceId);
        Assert.Equal(ActivityKind.Consumer, turn.Kind);
    }

    [Fact]
    public async Task Metrics_CountPublishedDeliveredDeduplicatedDeadLetteredAndLatency()
    {
        using var published = new MetricCollector<long>(KernelDiagnostics.Meter, "aos.bus.messages.published");
        using var delivered = new MetricCollector<long>(KernelDiagnostics.Meter, "aos.bus.messages.delivered");
        using var deduplicated = new MetricCollector<long>(KernelDiagnostics.Meter, "aos.bus.messages.deduplicated");
        using var deadLettered = new MetricCollector<long>(KernelDiagnostics.Meter, "aos.bus.messages.dead_lettered");
        using var latency = new MetricCollector<double>(KernelDiagnostics.Meter, "aos.bus.message.latency");
        using var depth = new MetricCollector<int>(KernelDiagnostics.Meter, "aos.bus.inbox.depth");
        using var recovered = new MetricCollector<long>(KernelDiagnostics.Meter, "aos.bus.messages.recovered");
        var agent = await RegisterAsync();
        var message = Message("note") with { Target = agent };

        await Bus.SendAsync(message, Ct);
        await _settled.WaitAsync(message.Id, agent);
        await fixture.Client(0).SendAsync(agent, Bus.Prepare(message), Ct);
        var again = await Bus.SendAsync(message, Ct);
        var ghost = AgentId.Parse("ghost-" + Guid.NewGuid().ToString("N"));
        var lost = await Bus.SendAsync(Message("note") with { Target = ghost }, Ct);
        await _settled.WaitAsync(lost.MessageId, ghost);
        depth.RecordObservableInstruments();
        recovered.RecordObservableInstruments();

        Assert.Contains(published.GetMeasurementSnapshot(), m => m.Value >= 1 && (string?)m.Tags["aos.message.kind"] == "send");
        Assert.NotEmpty(delivered.GetMeasurementSnapshot());
        Assert.Contains(deduplicated.GetMeasurementSnapshot(), m => m.Tags.TryGetValue("aos.agent.type", out var type) && (string?)type == TestAgents.BusAgent.TypeName);
        Assert.Equal([agent], again.Duplicates);
        Assert.Contains(deduplicated.GetMeasurementSnapshot(), m => m.Tags.TryGetValue("aos.message.kind", out var kind) && (string?)kind == "send");
        Assert.Contains(deadLettered.GetMeasurementSnapshot(), m => (string?)m.Tags["aos.reason"] == DeadLetterReasons.TargetNotFound);
        Assert.Contains(latency.GetMeasurementSnapshot(), m => m.Value >= 0);
        Assert.NotEmpty(depth.GetMeasurementSnapshot());
        Assert.Contains(recovered.GetMeasurementSnapshot(), m => m.Value >= 0); // a count since start; restarts are in the transports' conformance tests
    }

    [Theory]
    [InlineData("get")]
    [InlineData("work")]
    public async Task Request_PastItsDeadline_TimesOut_AndItsLateReplyIsDroppedAndCounted(string type)
    {
        using var late = new MetricCollector<long>(KernelDiagnostics.Meter, "aos.bus.replies.late");
        var agent = await RegisterAsync();
        var gate = await HoldAsync(agent);
        var client = fixture.Client(0);

        // "get" answers late; "work" that fails every attempt answers late with an error: both are late replies.
        var payload = type == "work" ? System.Text.Json.JsonSerializer.SerializeToElement(new { failures = 1000 }, System.Text.Json.JsonSerializerOptions.Web) : (System.Text.Json.JsonElement?)null;
        var timeout = await Assert.ThrowsAsync<AgentTimeoutException>(() =>
            client.RequestAsync(agent, client.CreateMessage(type, payload), TimeSpan.FromMilliseconds(50), Ct));
        gate.Open();

        Assert.NotNull(timeout.MessageId);
        var outcome = type == "work" ? "error" : "reply";
        await late.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
        while (!late.GetMeasurementSnapshot().Any(m => m.Tags.TryGetValue("aos.outcome", out var o) && (string?)o == outcome))
        {
            // Other tests' late replies count on the same process-wide meter: wait for this one's own.
            await late.WaitForMeasurementsAsync(late.GetMeasurementSnapshot().Count + 1, TimeSpan.FromSeconds(30));
        }
    }
}
