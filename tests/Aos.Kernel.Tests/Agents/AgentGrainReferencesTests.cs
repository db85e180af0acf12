using Aos.Kernel.Agents;
using Aos.Kernel.Tests.Support;
using Aos.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.Tests.Agents;

/// <summary>Covers the cache of agents' grain references.</summary>
public sealed class AgentGrainReferencesTests
{
    [Fact]
    public async Task Get_SameAgentTwice_ReturnsTheReferenceMadeTheFirstTime()
    {
        using var data = new TempDirectory();
        await using var host = await AosTestHost.StartAsync(data.Path);
        var references = new AgentGrainReferences(host.Services.GetRequiredService<IGrainFactory>());

        var first = references.Get("agent-a");

        Assert.Same(first, references.Get("agent-a"));
        Assert.NotSame(first, references.Get("agent-b"));
        Assert.Equal("agent-a", first.GetPrimaryKeyString());
    }

    [Fact]
    public async Task Get_PastTheCapacity_StartsOverAndStillReturnsWorkingReferences()
    {
        using var data = new TempDirectory();
        await using var host = await AosTestHost.StartAsync(data.Path);
        var references = new AgentGrainReferences(host.Services.GetRequiredService<IGrainFactory>());
        var first = references.Get("agent-0");

        for (var i = 1; i <= AgentGrainReferences.Capacity; i++)
        {
            references.Get("agent-" + i);
        }

        var again = references.Get("agent-0");
        Assert.NotSame(first, again);
        Assert.Equal(first, again);
        Assert.Same(again, references.Get("agent-0"));
    }
}
