using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Aos.Storage.Tests;

/// <summary>Runs a real silo on the SQLite providers, and restarts it on the same data directory.</summary>
public sealed class SqliteSiloTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Silo_GrainStateAndReminders_SurviveARestart()
    {
        var grainId = $"counter-{Guid.NewGuid():N}";
        using (var host = await StartSiloAsync())
        {
            var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>(grainId);
            await grain.IncrementAsync();
            Assert.Equal(2, await grain.IncrementAsync());
            await grain.RegisterReminderAsync("wake");
            await host.StopAsync(Ct);
        }

        using (var host = await StartSiloAsync())
        {
            var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>(grainId);
            Assert.Equal(2, await grain.GetAsync());

            var reminders = await host.Services.GetRequiredService<IReminderTable>().ReadRows(grain.GetGrainId(), Ct);
            Assert.Equal("wake", Assert.Single(reminders.Reminders).ReminderName);
            await host.StopAsync(Ct);
        }
    }

    public void Dispose() => _directory.Dispose();

    private async Task<IHost> StartSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort())
            .AddSqliteGrainStorageAsDefault(o => o.DataDirectory = _directory.Path)
            .UseSqliteReminderService(o => o.DataDirectory = _directory.Path));
        var host = builder.Build();
        await host.StartAsync(Ct);
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
