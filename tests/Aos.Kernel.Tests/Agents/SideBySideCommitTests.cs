using System.Text.Json;
using Aos.Hosting;
using Aos.Kernel.Tests.Support;
using Aos.Storage;
using Aos.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Aos.Kernel.Tests.Agents;

/// <summary>Covers turns committed on a grain storage that cannot commit state and journal together.</summary>
public sealed class SideBySideCommitTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commit_GrainStorageWithoutTurnStore_WritesStateAndJournal()
    {
        using var data = new TempDirectory();
        await using var host = await AosTestHost.StartAsync(data.Path, configure: aos =>
        {
            // Hide IAgentTurnStore behind a plain IGrainStorage that forwards to the SQLite provider.
            var sqlite = aos.Services.Last(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, AosStorageNames.GrainStorage));
            aos.Services.AddKeyedSingleton<IGrainStorage>(AosStorageNames.GrainStorage, (sp, key) =>
                new ForwardingGrainStorage((IGrainStorage)sqlite.KeyedImplementationFactory!(sp, key)));
        });
        var id = AgentId.Parse("side-by-side");
        await host.Registry.RegisterAsync(new Aos.Kernel.Registry.AgentRegistration { Id = id.Value, Type = "purpose" }, Cancellation);

        await host.Client.SendAsync(id, host.Client.CreateMessage("aos.context.set", JsonSerializer.SerializeToElement(new { key = "k", value = 1 })), Cancellation);
        await host.Client.SendAsync(id, host.Client.CreateMessage("note", null), Cancellation);

        var info = await host.Registry.GetAsync(id, Cancellation);
        var context = await host.Registry.GetContextAsync(id, cancellationToken: Cancellation);
        Assert.Equal(2, info.EventsProcessed);
        Assert.Equal(1, context.Values["k"].GetInt32());
        Assert.Equal(["aos.context.set", "note"], context.History.Select(h => h.Type));
    }

    private sealed class ForwardingGrainStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle observer) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(observer);

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.WriteStateAsync(stateName, grainId, grainState);

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
    }
}
