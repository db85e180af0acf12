using Aos.Agents;
using Aos.Kernel.Agents;
using Aos.Kernel.Tests.TestAgents;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.Tests.Agents;

public sealed class AgentTypeCatalogTests
{
    [Fact]
    public void Discover_TestAssembly_FindsEveryMarkedAgentClass()
    {
        var found = AgentTypeCatalog.Discover(typeof(AgentTypeCatalogTests).Assembly).ToDictionary(t => t.Name, t => t.ImplementationType);

        Assert.Equal(typeof(CounterAgent), found[CounterAgent.TypeName]);
        Assert.DoesNotContain(found.Values, t => t == typeof(UnmarkedAgent));
    }

    [Fact]
    public void AddAgentsFromAssembly_RegistersDiscoveredTypesInTheCatalog()
    {
        using var services = new ServiceCollection()
            .AddAgentsFromAssembly(typeof(AgentTypeCatalogTests).Assembly)
            .BuildServiceProvider();

        var catalog = new AgentTypeCatalog(services.GetServices<AgentTypeInfo>());

        Assert.True(catalog.TryGet(CounterAgent.TypeName, out var type));
        Assert.Equal("1", type.Version);
    }

    [Fact]
    public void Describe_ClassWithoutAttribute_ThrowsNamingTheClass()
    {
        var error = Assert.Throws<ArgumentException>(() => AgentTypeCatalog.Describe(typeof(UnmarkedAgent)));

        Assert.Contains(nameof(UnmarkedAgent), error.Message);
        Assert.Contains("[AgentType", error.Message);
    }

    [Fact]
    public void Constructor_TwoClassesWithOneName_ThrowsNamingBoth()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new AgentTypeCatalog(
        [
            AgentTypeCatalog.Describe(typeof(CounterAgent)),
            new AgentTypeInfo { Name = CounterAgent.TypeName, Version = "1", ImplementationType = typeof(UnmarkedAgent) },
        ]));

        Assert.Contains(nameof(CounterAgent), error.Message);
        Assert.Contains(nameof(UnmarkedAgent), error.Message);
    }

    [Fact]
    public void Get_UnknownName_ThrowsValidationListingKnownTypes()
    {
        var catalog = new AgentTypeCatalog([AgentTypeCatalog.Describe(typeof(CounterAgent))]);

        var error = Assert.Throws<AosValidationException>(() => catalog.Get("nope"));

        Assert.Contains("Unknown agent type 'nope'", error.Message);
        Assert.Contains(CounterAgent.TypeName, error.Message);
        Assert.Equal("type", error.Field);
    }

    private sealed class UnmarkedAgent : Agent;
}
