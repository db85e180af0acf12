using System.Text.Json;
using Aos.Kernel.Workflows;
using Aos.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace Aos.Kernel.Tests.Workflows;

/// <summary>Workflows on a two-silo cluster: a run whose silo is killed mid-step resumes on the other without running completed steps again.</summary>
public sealed class WorkflowTwoSiloTests(WorkflowTwoSiloFixture fixture) : IClassFixture<WorkflowTwoSiloFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task RunOnAKilledSilo_ResumesOnTheOther_WithoutRedoingCompletedSteps()
    {
        var client = fixture.Silo(1).GetRequiredService<WorkflowClient>();
        await client.RegisterAsync(new WorkflowDefinition
        {
            Name = "survivor",
            Steps =
            [
                new WorkflowStep { Id = "a", Kind = ScriptedStepKind.Name },
                new WorkflowStep { Id = "b", Kind = ScriptedStepKind.Name, DependsOn = ["a"] },
                new WorkflowStep { Id = "c", Kind = ScriptedStepKind.Name, DependsOn = ["b"] },
            ],
        });

        // The run is placed on the second silo (the first hosts the cluster's membership and must stay up): Orleans' placement directors
        // honour a placement hint in the request context of the call that activates the grain.
        var secondary = (InProcessSiloHandle)fixture.Cluster.SecondarySilos[0];
        var victim = "survivor-" + Guid.NewGuid().ToString("N")[..10];
        var inB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        ScriptedStepKind.Script(victim, "b", async context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                // The first attempt never ends: its silo dies under it.
                inB.TrySetResult();
                await new TaskCompletionSource().Task.WaitAsync(TestContext.Current.CancellationToken);
            }

            return WorkflowStepOutcome.Completed(JsonSerializer.SerializeToElement(context.Attempt));
        });
        RequestContext.Set(IPlacementDirector.PlacementHintKey, secondary.SiloAddress);
        try
        {
            await client.StartAsync("survivor", runId: victim);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        await inB.Task.WaitAsync(Wait, TestContext.Current.CancellationToken);
        Assert.Equal(secondary.SiloAddress, ScriptedStepKind.SiloOf(victim, "b"));
        await fixture.Cluster.KillSiloAsync(secondary, TestContext.Current.CancellationToken);

        var survivor = fixture.Cluster.Primary!.SiloAddress;
        var done = await fixture.Silo(0).GetRequiredService<WorkflowClient>().WaitAsync(victim, Wait);

        Assert.Equal(WorkflowStatus.Completed, done.Status);
        Assert.Equal(["a", "b", "b", "c"], ScriptedStepKind.CallsOf(victim));
        Assert.Equal("1", done.Steps[1].Result); // The interrupted attempt was started again, not counted as a new one.
        Assert.Equal(survivor, ScriptedStepKind.SiloOf(victim, "c"));
    }
}
