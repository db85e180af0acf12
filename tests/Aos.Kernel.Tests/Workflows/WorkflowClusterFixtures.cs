using Aos.Kernel.Tests.Cluster;
using Aos.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Aos.Kernel.Tests.Workflows;

/// <summary>Two silos on the system clock with no limit on running workflows, and the scripted step kind.</summary>
public sealed class WorkflowTwoSiloFixture : AgentClusterFixture
{
    public override short SiloCount => 2;

    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Properties["Aos:Workflows:MaxConcurrentRuns"] = "0";
        builder.Properties["Aos:Workflows:ResumeDelay"] = "00:00:01";
        builder.AddSiloBuilderConfigurator<ScriptedKind>();
    }

    internal sealed class ScriptedKind : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.Services.AddSingleton<IWorkflowStepKind, ScriptedStepKind>();
    }
}

/// <summary>One silo whose limit on running workflows is 2, and the scripted step kind.</summary>
public sealed class WorkflowAdmissionFixture : AgentClusterFixture
{
    public override short SiloCount => 1;

    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Properties["Aos:Workflows:MaxConcurrentRuns"] = "2";
        builder.AddSiloBuilderConfigurator<WorkflowTwoSiloFixture.ScriptedKind>();
    }
}
