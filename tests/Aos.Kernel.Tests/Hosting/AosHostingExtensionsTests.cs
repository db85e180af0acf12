using Aos.Kernel;
using Aos.Kernel.Registry;
using Aos.Storage.Sqlite;
using Aos.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Aos.Kernel.Tests.Hosting;

public sealed class AosHostingExtensionsTests
{
    [Fact]
    public async Task AddAosSilo_AgentStateStorage_UsesOrleansBinarySerializer()
    {
        await using var host = await AosTestHost.StartAsync();

        var options = host.Services.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(AosStorageNames.GrainStorage);

        Assert.IsType<OrleansGrainStorageSerializer>(options.GrainStorageSerializer);
    }

    [Fact]
    public async Task AddAosSilo_AfterRestart_ReadsAgentStateWrittenBeforeIt()
    {
        var dataDirectory = AosTestHost.CreateTempDirectory();
        var id = AgentId.Parse("echo-1");
        await using (var first = await AosTestHost.StartAsync(dataDirectory))
        {
            await first.Registry.RegisterAsync(new AgentRegistration { Id = id.Value, Type = "echo" }, TestContext.Current.CancellationToken);
            await first.Client.SendAsync(id, first.Client.CreateMessage("ping", null), TestContext.Current.CancellationToken);
            await first.Client.SendAsync(id, first.Client.CreateMessage("ping", null), TestContext.Current.CancellationToken);
        }

        await using var second = await AosTestHost.StartAsync(dataDirectory);
        var info = await second.Registry.GetAsync(id, TestContext.Current.CancellationToken);

        Assert.Equal(2, info.EventsProcessed);
        Assert.Equal(1, info.WakeCount);
    }
}
