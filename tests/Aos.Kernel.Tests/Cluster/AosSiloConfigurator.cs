using Aos.Hosting;
using Aos.Kernel.Tests.TestAgents;
using Orleans.TestingHost;

namespace Aos.Kernel.Tests.Cluster;

/// <summary>Makes a test cluster silo an AOS node on the shared SQLite data directory, with the test agent types.</summary>
public sealed class AosSiloConfigurator : ISiloConfigurator
{
    /// <summary>Gets the configuration key of the data directory every silo of the cluster shares.</summary>
    public const string DataDirectoryKey = "AosTests:DataDirectory";

    public void Configure(ISiloBuilder siloBuilder)
    {
        var dataDirectory = siloBuilder.Configuration[DataDirectoryKey]
            ?? throw new InvalidOperationException($"The test cluster must set {DataDirectoryKey}.");
        siloBuilder.AddAosSilo(siloBuilder.Configuration, dataDirectory);
        siloBuilder.Services.AddAgent<CounterAgent>();
        siloBuilder.Services.AddAgent<BusAgent>();
    }
}
