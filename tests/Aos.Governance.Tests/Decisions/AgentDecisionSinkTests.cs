using System.Text.Json;
using Aos.Governance.Decisions;
using Aos.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Governance.Tests.Decisions;

/// <summary>A purpose-driven agent's decisions reach the decision log of its tenant, through a real node.</summary>
public sealed class AgentDecisionSinkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PurposeDrivenAgentDecision_IsRecordedInTheDecisionLog()
    {
        var data = AosTestHost.CreateTempDirectory();
        try
        {
            // The host wires governance in by itself: nothing here adds it.
            await using var host = await AosTestHost.StartAsync(data);
            var id = AgentId.Parse("planner");
            await host.Registry.RegisterAsync(new Aos.Kernel.Registry.AgentRegistration { Id = id.Value, Type = "purpose" }, Ct);
            var payload = JsonSerializer.SerializeToElement(new { decision = "ship", rationale = "All checks pass.", alternatives = new[] { "wait", "ship" }, goalId = "g-1" });

            await host.Client.SendAsync(id, host.Client.CreateMessage("aos.decision.record", payload), Ct);

            var log = host.Services.GetRequiredService<DecisionLog>();
            var decision = Assert.Single((await log.ListAsync("default", new DecisionQuery { DecidedBy = "planner" }, Ct)).Items);
            Assert.Equal(("ship", "All checks pass."), (decision.Choice, decision.Rationale));
            Assert.Equal(["ship", "wait"], decision.Options.Select(o => o.Name));
            Assert.Equal("g-1", decision.Context!.Value.GetProperty("goalId").GetString());
            var journal = Assert.Single((await host.Registry.GetContextAsync(id, cancellationToken: Ct)).Decisions);
            Assert.Equal(journal.Timestamp, decision.Time);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
