using Aos.Hosting;
using Aos.Kernel.Registry;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// Runs one AOS node in-process, like <c>AosTestHost</c>, with the counter agent and an Orleans memory grain storage for
/// the raw Orleans baselines, so an agent and its baseline share one silo, one process and one run.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    public const string MemoryStorage = "bench-memory";

    private readonly IHost _host;

    private BenchHost(IHost host, string dataDirectory)
    {
        _host = host;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public IServiceProvider Services => _host.Services;

    public AgentRegistry Registry => Services.GetRequiredService<AgentRegistry>();

    public AgentClient Client => Services.GetRequiredService<AgentClient>();

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public static async Task<BenchHost> StartAsync(string? dataDirectory = null, IDictionary<string, string?>? settings = null, SqliteTuning? tuning = null)
    {
        dataDirectory ??= CreateTempDirectory();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole();
        builder.AddAos(o => o.DataDirectory = dataDirectory).AddAgent<CounterAgent>();
        if (tuning is not null)
        {
            builder.Services.ConfigureAll<SqliteStorageOptions>(tuning.Apply);
        }

        // A second UseOrleans call configures the same silo.
        builder.UseOrleans(silo => silo.AddMemoryGrainStorage(MemoryStorage));
        var host = builder.Build();
        await host.StartAsync();
        return new BenchHost(host, dataDirectory);
    }

    public static string CreateTempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "aos-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public async Task StopAsync() => await _host.StopAsync();

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

    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
