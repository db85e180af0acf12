using Aos.Workflows;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.Tests.Workflows.Maf;

/// <summary>Registering MAF workflows: one step kind for all of them, and names that stay unique.</summary>
public sealed class MafWorkflowServiceCollectionExtensionsTests
{
    [Fact]
    public void AddMafWorkflow_Twice_RegistersOneStepKind()
    {
        var services = new ServiceCollection()
            .AddMafWorkflow<string>("a", _ => Echo())
            .AddMafWorkflow<string>("b", _ => Echo());

        Assert.Single(services, d => d.ServiceType == typeof(IWorkflowStepKind));
    }

    [Fact]
    public void AddMafWorkflow_ATakenName_ThrowsNamingIt()
    {
        var services = new ServiceCollection().AddMafWorkflow<string>("a", _ => Echo());

        var error = Assert.Throws<ArgumentException>(() => services.AddMafWorkflow<int>("a", _ => Echo()));

        Assert.Contains("'a'", error.Message);
    }

    private static Workflow Echo()
    {
        var echo = ExecutorBindingExtensions.BindAsExecutor<string, string>(new Func<string, string>(text => text), "echo");
        return new WorkflowBuilder(echo).WithOutputFrom(echo).Build();
    }
}
