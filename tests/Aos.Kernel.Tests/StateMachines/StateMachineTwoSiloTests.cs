using Aos.Kernel.StateMachines;
using Aos.Kernel.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.Tests.StateMachines;

/// <summary>State machines on a two-silo cluster: a machine registered through one silo and an instance driven through both.</summary>
public sealed class StateMachineTwoSiloTests(TwoSiloClusterFixture fixture) : IClassFixture<TwoSiloClusterFixture>
{
    [Fact]
    public async Task AMachineRegisteredOnOneSilo_IsUsableFromTheOther_AndAnInstanceIsTheSameFromBoth()
    {
        var first = fixture.Silo(0).GetRequiredService<StateMachineClient>();
        var second = fixture.Silo(1).GetRequiredService<StateMachineClient>();
        Assert.NotSame(first, second);
        var name = "relay-" + Guid.NewGuid().ToString("N")[..8];
        await first.RegisterAsync($$"""
            { "name": "{{name}}", "initialState": "a",
              "states": [ { "name": "a" }, { "name": "b" }, { "name": "c", "terminal": true } ],
              "transitions": [ { "from": "a", "event": "next", "to": "b" }, { "from": "b", "event": "next", "to": "c" } ] }
            """);

        await second.StartAsync(name, "r1", null, "alice");
        await first.FireAsync(name, "r1", "next", null, "bob");
        var done = await second.FireAsync(name, "r1", "next", null, "carol");

        Assert.True(done.Completed);
        Assert.Equal(["bob", "carol"], done.History.Select(h => h.Actor));
        Assert.Equal("c", (await first.GetAsync(name, "r1")).State);
    }
}
