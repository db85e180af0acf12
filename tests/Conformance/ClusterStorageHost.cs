using Aos.Hosting;
using Aos.Kernel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Aos.Conformance;

/// <summary>
/// Builds the grain storage and reminder table that <see cref="AosClusterStorage.AddAosClusterStorage"/> registers for a configuration,
/// and starts them the way a silo would, without starting a silo: the conformance kits then run on exactly what AOS deploys.
/// </summary>
internal sealed class ClusterStorageHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly Lifecycle _lifecycle = new();

    private ClusterStorageHost(ServiceProvider services) => _services = services;

    /// <summary>Gets the grain storage named <see cref="AosStorageNames.GrainStorage"/>.</summary>
    public IGrainStorage GrainStorage => _services.GetRequiredKeyedService<IGrainStorage>(AosStorageNames.GrainStorage);

    /// <summary>Gets the reminder table.</summary>
    public IReminderTable ReminderTable => _services.GetRequiredService<IReminderTable>();

    /// <summary>Gets the services, to look behind the providers.</summary>
    public IServiceProvider Services => _services;

    /// <summary>Registers the providers for a configuration under a service id, and starts the grain storage and the reminder table.</summary>
    public static async Task<ClusterStorageHost> StartAsync(IDictionary<string, string?> settings, string serviceId, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var silo = new Silo(configuration);
        silo.Services.AddLogging();
        silo.Services.AddSerializer();
        // A silo registers a default serializer; this one throws, so a provider that does not use the serializer AOS configures fails.
        silo.Services.AddSingleton<IGrainStorageSerializer, DefaultSerializerMustNotBeUsed>();
        silo.Services.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = serviceId;
            o.ClusterId = "test";
        });
        silo.AddAosClusterStorage(configuration, Path.GetTempPath());
        var host = new ClusterStorageHost(silo.Services.BuildServiceProvider());
        (host.GrainStorage as ILifecycleParticipant<ISiloLifecycle>)?.Participate(host._lifecycle);
        await host._lifecycle.StartAsync(cancellationToken);
        await host.ReminderTable.StartAsync(cancellationToken);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _lifecycle.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }

    private sealed class DefaultSerializerMustNotBeUsed : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => throw new InvalidOperationException("The silo's default grain storage serializer was used instead of the one AOS configures.");

        public T Deserialize<T>(BinaryData input) => throw new InvalidOperationException("The silo's default grain storage serializer was used instead of the one AOS configures.");
    }

    private sealed class Silo(IConfiguration configuration) : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = configuration;
    }

    /// <summary>Runs the observers subscribed to it in stage order, as the silo does at start, and in reverse at stop.</summary>
    private sealed class Lifecycle : ISiloLifecycle
    {
        private readonly List<(int Stage, ILifecycleObserver Observer)> _observers = [];

        public int HighestCompletedStage { get; private set; }

        public int LowestStoppedStage { get; private set; }

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            _observers.Add((stage, observer));
            return new Unsubscriber();
        }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var (stage, observer) in _observers.OrderBy(o => o.Stage))
            {
                await observer.OnStart(cancellationToken);
                HighestCompletedStage = stage;
            }
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            foreach (var (stage, observer) in _observers.OrderByDescending(o => o.Stage))
            {
                await observer.OnStop(cancellationToken);
                LowestStoppedStage = stage;
            }
        }

        private sealed class Unsubscriber : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
