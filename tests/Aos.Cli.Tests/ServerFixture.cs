using Aos.Security.ApiKeys;
using Aos.Server;
using Aos.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Cli.Tests;

/// <summary>Runs the real AOS server in-process on a loopback port over a temporary data directory, for tests that need its answers.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = AosTestHost.CreateTempDirectory();
    private WebApplication _app = null!;

    public Uri Address { get; private set; } = null!;

    /// <summary>Gets the server's services, to write what no CLI verb writes (audit entries, decisions).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Gets the server's data directory.</summary>
    public string DataDirectory => _dataDirectory;

    public async ValueTask InitializeAsync()
    {
        _app = AosServer.Create([], _dataDirectory, "http://127.0.0.1:0");
        await _app.StartAsync();
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        ApiKey = (await File.ReadAllTextAsync(AdminKeyFile.PathIn(_dataDirectory))).Trim();
        Cli.ApiKeys[Address] = ApiKey;
    }

    /// <summary>Gets the server's admin key, which <see cref="Cli.RunAsync"/> presents to it.</summary>
    public string ApiKey { get; private set; } = null!;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
