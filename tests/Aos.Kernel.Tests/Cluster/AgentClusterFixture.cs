using Aos.Agents;
using Aos.Kernel.Registry;
using Aos.Kernel.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Aos.Kernel.Tests.Cluster;

/// <summary>Starts an Orleans test cluster of AOS silos that share one SQLite data directory, once per test class.</summary>
public abstract class AgentClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new();

    public TestCluster Cluster { get; private set; } = null!;

    public string DataDirectory => _data.Path;

    /// <summary>Gets how many goals an agent of the cluster keeps.</summary>
    public static int GoalLimit => 3;

    public abstract short SiloCount { get; }

    public virtual async ValueTask InitializeAsync()
    {
        var builder = new TestClusterBuilder(SiloCount);
        builder.Options.ConfigureFileLogging = false;
        builder.Properties[AosSiloConfigurator.DataDirectoryKey] = _data.Path;
        builder.Properties["Aos:Kernel:RetryBaseDelay"] = "00:00:00.005";
        builder.Properties["Aos:Bus:RetryBaseDelay"] = "00:00:00.005";
        builder.Properties["Aos:Bus:MaxRetryDelay"] = "00:00:00.020";
        builder.Properties["Aos:Bus:MaxAttempts"] = "4";
        builder.Properties["Aos:Bus:InboxCapacity"] = "8";
        builder.Properties["Aos:Kernel:GoalLimit"] = GoalLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Configure(builder);
        builder.AddSiloBuilderConfigurator<AosSiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }

        _data.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Adds to the cluster before it is built: runs before the AOS silo configuration.</summary>
    /// <param name="builder">The cluster builder.</param>
    protected virtual void Configure(TestClusterBuilder builder)
    {
    }

    /// <summary>Skips the current test when a server the cluster needs is absent (fails it under <c>AOS_TEST_REQUIRE_SERVICES=1</c>).</summary>
    public virtual Task RequireAsync() => Task.CompletedTask;

    /// <summary>Gets the services of a silo; with two silos, different indexes give different silos.</summary>
    public IServiceProvider Silo(int index)
    {
        var silos = Cluster.Silos;
        return ((InProcessSiloHandle)silos[index % silos.Count]).SiloHost.Services;
    }

    public AgentRegistry Registry(int silo) => Silo(silo).GetRequiredService<AgentRegistry>();

    public AgentClient Client(int silo) => Silo(silo).GetRequiredService<AgentClient>();

    /// <summary>Runs the activation collector on every silo until the agent has gone to sleep.</summary>
    /// <remarks>
    /// An activation counts as busy until it has finished the call whose reply the test already has, so one collection
    /// can race it; collecting again is an explicit action, not a wait.
    /// </remarks>
    public async Task PutToSleepAsync(AgentId id)
    {
        var management = Cluster.GrainFactory.GetGrain<IManagementGrain>(0);
        for (var round = 0; round < 20; round++)
        {
            await management.ForceActivationCollection(TimeSpan.Zero);
            if ((await Registry(0).GetAsync(id)).Status == AgentStatus.Sleeping)
            {
                return;
            }
        }

        Assert.Fail($"Agent '{id}' did not go to sleep after 20 activation collections.");
    }
}

public sealed class OneSiloClusterFixture : AgentClusterFixture
{
    public override short SiloCount => 1;
}

public sealed class TwoSiloClusterFixture : AgentClusterFixture
{
    public override short SiloCount => 2;
}
