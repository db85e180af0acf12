using Aos.Hosting;
using Aos.Kernel.Registry;
using Aos.Storage.Sqlite;
using Aos.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// Runs one AOS node in-process on <c>AosTestHost</c>, with the counter agent and an Orleans memory grain storage for
/// the raw Orleans baselines, so an agent and its baseline share one silo, one process and one run.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    public const string MemoryStorage = "bench-memory";

    private readonly AosTestHost _host;

    private BenchHost(AosTestHost host) => _host = host;

    public string DataDirectory => _host.DataDirectory;

    public IServiceProvider Services => _host.Services;

    public AgentRegistry Registry => _host.Registry;

    public AgentClient Client => _host.Client;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public static async Task<BenchHost> StartAsync(
        string? dataDirectory = null,
        IDictionary<string, string?>? settings = null,
        SqliteTuning? tuning = null,
        Action<IAosBuilder>? configure = null)
    {
        var host = await AosTestHost.StartAsync(
            dataDirectory,
            settings,
            aos =>
            {
                aos.AddAgent<CounterAgent>();
                if (tuning is not null)
                {
                    aos.Services.ConfigureAll<SqliteStorageOptions>(tuning.Apply);
                }

                configure?.Invoke(aos);
            },
            builder =>
            {
                builder.Logging.AddConsole();

                // A second UseOrleans call configures the same silo.
                builder.UseOrleans(silo => silo.AddMemoryGrainStorage(MemoryStorage));
            });
        return new BenchHost(host);
    }

    public static string CreateTempDirectory() => AosTestHost.CreateTempDirectory();

    public Task StopAsync() => _host.StopAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

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
