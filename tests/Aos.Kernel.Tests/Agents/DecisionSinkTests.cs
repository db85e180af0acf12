using System.Collections.Concurrent;
using System.Text.Json;
using Aos.Agents;
using Aos.Kernel.Tests.Support;
using Aos.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.Tests.Agents;

/// <summary>Covers the decision sinks the kernel hands each committed turn's decisions to.</summary>
public sealed class DecisionSinkTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CommittedDecisions_ReachEverySink_AndAFailingSinkDoesNotFailTheTurn()
    {
        using var data = new TempDirectory();
        var recording = new RecordingSink();
        await using var host = await AosTestHost.StartAsync(data.Path, configure: aos =>
        {
            aos.Services.AddSingleton<IDecisionSink, FailingSink>();
            aos.Services.AddSingleton<IDecisionSink>(recording);
        });
        var id = AgentId.Parse("decider");
        await host.Registry.RegisterAsync(new Aos.Kernel.Registry.AgentRegistration { Id = id.Value, Type = "purpose" }, Cancellation);

        var result = await host.Client.SendAsync(id, host.Client.CreateMessage("aos.decision.record", JsonSerializer.SerializeToElement(new { decision = "a", rationale = "r" })), Cancellation);
        await host.Client.SendAsync(id, host.Client.CreateMessage("note", null), Cancellation);

        var (agent, decision) = Assert.Single(recording.Decisions);
        Assert.Equal((id, "default", "a", "r"), (agent.Id, agent.Tenant, decision.Decision, decision.Rationale));
        Assert.Equivalent(decision, Assert.Single((await host.Registry.GetContextAsync(id, cancellationToken: Cancellation)).Decisions), strict: true);
        Assert.Equal(2, (await host.Registry.GetAsync(id, Cancellation)).EventsProcessed);
        Assert.NotNull(result);
    }

    private sealed class RecordingSink : IDecisionSink
    {
        public ConcurrentQueue<(AgentDescriptor Agent, DecisionRecord Decision)> Decisions { get; } = new();

        public ValueTask RecordAsync(AgentDescriptor agent, IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default)
        {
            foreach (var decision in decisions)
            {
                Decisions.Enqueue((agent, decision));
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class FailingSink : IDecisionSink
    {
        public ValueTask RecordAsync(AgentDescriptor agent, IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The decision store is down.");
    }
}
