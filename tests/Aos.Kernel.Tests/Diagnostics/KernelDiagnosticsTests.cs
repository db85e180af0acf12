using System.Collections.Concurrent;
using System.Diagnostics;
using Aos.Hosting;
using Aos.Kernel.Agents;
using Aos.Kernel.Diagnostics;
using Aos.Kernel.Registry;
using Aos.Kernel.Tests.Support;
using Aos.Kernel.Tests.TestAgents;
using Aos.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Aos.Kernel.Tests.Diagnostics;

/// <remarks>
/// The kernel's meter and activity source are process-wide and other test classes run in parallel, so measurements are
/// told apart by the <see cref="ProbeAgent"/> type only these tests register, and spans by agent id.
/// </remarks>
public sealed class KernelDiagnosticsTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private AosTestHost _host = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await AosTestHost.StartAsync(_data.Path, configure: aos => aos.AddAgent<ProbeAgent>());

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task EventsHandled_EachTurn_AddsOneTaggedWithTypeAndOutcome()
    {
        using var collector = new MetricCollector<long>(KernelDiagnostics.Meter, "aos.agent.events.handled");
        var id = await RegisterProbeAsync();

        await SendAsync(id, "ping");
        await SendAsync(id, "ping");
        await SendAsync(id, "ping");
        await SendAsync(id, "unknown");

        var mine = collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["aos.agent.type"], ProbeAgent.TypeName)).ToList();
        Assert.Equal(4, mine.Count);
        Assert.All(mine, m => Assert.Equal(1, m.Value));
        Assert.Equal(3, mine.Count(m => Equals(m.Tags["aos.outcome"], HistoryOutcome.Handled)));
        Assert.Equal(1, mine.Count(m => Equals(m.Tags["aos.outcome"], HistoryOutcome.Unhandled)));
    }

    [Fact]
    public async Task Turn_EachMessage_IsOneSpanOnTheKernelSource()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == KernelDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var id = await RegisterProbeAsync();

        var first = await SendAsync(id, "ping");
        var second = await SendAsync(id, "ping");

        var spans = stopped.Where(a => Equals(a.GetTagItem("aos.agent.id"), id.Value)).ToList();
        Assert.Equal(2, spans.Count);
        Assert.All(spans, span =>
        {
            Assert.Equal("aos.agent.turn ping", span.DisplayName);
            Assert.Equal(ProbeAgent.TypeName, span.GetTagItem("aos.agent.type"));
            Assert.Equal("ping", span.GetTagItem("aos.message.type"));
        });
        Assert.Equal([first.MessageId, second.MessageId], spans.Select(s => s.GetTagItem("aos.message.id")));
    }

    private async Task<AgentId> RegisterProbeAsync()
    {
        var descriptor = await _host.Registry.RegisterAsync(new AgentRegistration { Id = $"probe-{Guid.NewGuid():N}", Type = ProbeAgent.TypeName }, Cancellation);
        return descriptor.Id;
    }

    private Task<DeliveryResult> SendAsync(AgentId id, string type) =>
        _host.Client.SendAsync(id, _host.Client.CreateMessage(type, null), Cancellation);
}
