using Aos.Hosting;
using Aos.Kernel.Agents;
using Aos.Kernel.Registry;
using Aos.Kernel.Tests.Support;
using Aos.Kernel.Tests.TestAgents;
using Aos.Testing;

namespace Aos.Kernel.Tests.Agents;

public sealed class AgentGrainTurnTimeoutTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeliverAsync_HandlerHangs_IsCutRecordedFailedAndCannotTouchStateAfterwards()
    {
        using var data = new TempDirectory();
        await using var host = await AosTestHost.StartAsync(
            data.Path,
            new Dictionary<string, string?> { ["Aos:Kernel:TurnTimeout"] = "00:00:00.300" },
            aos => aos.AddAgent<HangingAgent>());
        var id = (await host.Registry.RegisterAsync(new AgentRegistration { Id = "hanging-1", Type = HangingAgent.TypeName }, Cancellation)).Id;
        var gate = HangingAgent.GateOf(id);

        // The kernel's turn timeout runs on real time here; the handler never finishes on its own.
        var hung = await host.Client.SendAsync(id, host.Client.CreateMessage("hang", null), Cancellation);

        Assert.Equal(HistoryOutcome.Failed, hung.Outcome);
        Assert.Contains("Aos:Kernel:TurnTimeout", hung.Error, StringComparison.Ordinal);
        gate.Release.SetResult();
        Assert.IsAssignableFrom<OperationCanceledException>(await gate.Finished.Task.WaitAsync(Cancellation));

        var next = await host.Client.SendAsync(id, host.Client.CreateMessage("count", null), Cancellation);

        Assert.Equal(HistoryOutcome.Handled, next.Outcome);
        var context = await host.Registry.GetContextAsync(id, cancellationToken: Cancellation);
        Assert.Equal(new Dictionary<string, long> { ["count"] = 1 }, context.Counters);
        var entry = context.History[0];
        Assert.Equal(HistoryOutcome.Failed, entry.Outcome);
        Assert.Equal(1, entry.Attempts);
        var info = await host.Registry.GetAsync(id, Cancellation);
        Assert.Equal(1, info.EventsFailed);
        Assert.Equal(2, info.EventsProcessed);
    }
}
