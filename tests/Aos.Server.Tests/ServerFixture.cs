using Aos.Hosting;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(Aos.Server.Tests.ServerFixture))]

namespace Aos.Server.Tests;

/// <summary>Shares one server with default limits, the built-in agent types and <see cref="SlowAgent"/>.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public ServerHost Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Server = await ServerHost.StartAsync(configure: aos =>
        {
            aos.Services.AddSingleton<SlowGates>();
            aos.AddAgent<SlowAgent>();
        });

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
