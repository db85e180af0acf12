using Aos.Hosting;
using Aos.Kernel.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aos.Testing;

/// <summary>
/// Runs a complete AOS node in-process on a data directory, for tests: start it, talk to agents, stop it, start it
/// again on the same data and find everything as it was.
/// </summary>
/// <remarks>
/// The node's configuration is only what the test gives (<c>settings</c>, <c>configure</c>, <c>configureHost</c>): environment variables
/// such as <c>Aos__Bus__Transport</c> and <c>appsettings.json</c> are not read, so a test runs the same on every machine. Pass in
/// <c>settings</c> what a test needs, for instance <c>["Aos:Bus:Transport"] = "nats"</c>.
/// </remarks>
public sealed class AosTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private AosTestHost(IHost host, string dataDirectory)
    {
        _host = host;
        DataDirectory = dataDirectory;
    }

    /// <summary>Gets the node's data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>Gets the node's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Gets the agent registry.</summary>
    public AgentRegistry Registry => Services.GetRequiredService<AgentRegistry>();

    /// <summary>Gets the agent client.</summary>
    public AgentClient Client => Services.GetRequiredService<AgentClient>();

    /// <summary>Starts a node.</summary>
    /// <param name="dataDirectory">The data directory; a new temporary one when <see langword="null"/>.</param>
    /// <param name="settings">Configuration entries, for instance <c>Aos:Kernel:MaxAttempts</c>.</param>
    /// <param name="configure">Adds agent types or replaces services (for instance a <c>FakeTimeProvider</c>).</param>
    /// <param name="configureHost">Changes the host builder after AOS is added: logging providers, more silo configuration.</param>
    /// <returns>The running node.</returns>
    public static async Task<AosTestHost> StartAsync(
        string? dataDirectory = null,
        IDictionary<string, string?>? settings = null,
        Action<IAosBuilder>? configure = null,
        Action<HostApplicationBuilder>? configureHost = null)
    {
        dataDirectory ??= CreateTempDirectory();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var aos = builder.AddAos(o => o.DataDirectory = dataDirectory);
        configure?.Invoke(aos);
        configureHost?.Invoke(builder);
        var host = builder.Build();
        await host.StartAsync();
        return new AosTestHost(host, dataDirectory);
    }

    /// <summary>Creates an empty temporary directory.</summary>
    /// <returns>The directory's path.</returns>
    public static string CreateTempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "aos-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Stops the node gracefully; the data directory is kept.</summary>
    /// <returns>A task that completes when the node has stopped.</returns>
    public async Task StopAsync()
    {
        await _host.StopAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }
}
