using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;

namespace Aos.Storage.Tests;

/// <summary>Collects what silo builder extensions register, without starting a silo.</summary>
internal sealed class FakeSiloBuilder : ISiloBuilder
{
    public IServiceCollection Services { get; } = new ServiceCollection();

    public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
}
