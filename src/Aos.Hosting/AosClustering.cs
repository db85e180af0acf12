using System.Net;
using Aos.Nats.Messaging;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Aos.Hosting;

/// <summary>Chooses how a node finds the other nodes of its cluster and which bus transport they share, from configuration.</summary>
/// <remarks>
/// <para>
/// <c>Aos:Cluster:Clustering</c>: <c>localhost</c> (the default: one node, nothing shared), <c>redis</c> (Orleans' Redis membership;
/// <c>Aos:Cluster:Redis:ConnectionString</c>) or <c>azure</c> (Orleans' Azure Table membership; <c>Aos:Storage:Azure:ConnectionString</c>).
/// Nodes of one cluster share <see cref="AosOptions.ClusterId"/> and <see cref="AosOptions.ServiceId"/>, and each advertises
/// <c>Aos:Cluster:AdvertisedAddress</c> (default <c>127.0.0.1</c>) with its <see cref="AosOptions.SiloPort"/> and
/// <see cref="AosOptions.GatewayPort"/>.
/// </para>
/// <para>
/// A cluster also needs its state on shared backends: <c>Aos:Cluster:Storage</c> (see <see cref="AosClusterStorage"/>) and the bus on NATS
/// JetStream (<c>Aos:Bus:Transport</c> = <c>nats</c>, options under <c>Aos:Nats:Transport</c>), where the nodes of a cluster hold leases named by
/// <see cref="AosOptions.ClusterId"/> and take over the messages of a node lost for good. The embedded bus transport serves one node.
/// </para>
/// </remarks>
public static class AosClustering
{
    /// <summary>Gets the configuration key that chooses the membership provider.</summary>
    public const string ClusteringKey = "Aos:Cluster:Clustering";

    /// <summary>Gets the configuration key of the address a node advertises to the others.</summary>
    public const string AdvertisedAddressKey = "Aos:Cluster:AdvertisedAddress";

    /// <summary>Gets the configuration key that chooses the bus transport: <c>sqlite</c> (default) or <c>nats</c>.</summary>
    public const string TransportKey = "Aos:Bus:Transport";

    /// <summary>Configures membership, endpoints and cluster identity.</summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="options">The node's options (ports, cluster and service ids).</param>
    /// <param name="freePort">Picks a free port, for ports configured as 0.</param>
    /// <returns>The silo builder, for chaining.</returns>
    /// <exception cref="AosValidationException">The choice is unknown, or its connection string or address is missing or malformed.</exception>
    public static ISiloBuilder UseAosClustering(this ISiloBuilder silo, IConfiguration configuration, AosOptions options, Func<int> freePort)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var siloPort = options.SiloPort == 0 ? freePort() : options.SiloPort;
        var gatewayPort = options.GatewayPort == 0 ? freePort() : options.GatewayPort;
        var choice = configuration[ClusteringKey] is { Length: > 0 } value ? value.Trim().ToLowerInvariant() : "localhost";
        if (choice == "localhost")
        {
            return silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        }

        switch (choice)
        {
            case "redis":
                var redis = Required(configuration, AosClusterStorage.RedisConnectionStringKey, "such as '127.0.0.1:6379'");
                ConfigurationOptions parsed;
                try
                {
                    parsed = ConfigurationOptions.Parse(redis);
                }
                catch (ArgumentException e)
                {
                    throw new AosValidationException($"{AosClusterStorage.RedisConnectionStringKey} is not a valid StackExchange.Redis configuration string ({e.Message}).", e) { Field = AosClusterStorage.RedisConnectionStringKey };
                }

                silo.UseRedisClustering(o => o.ConfigurationOptions = parsed.Clone());
                break;
            case "azure":
                var azure = Required(configuration, AosClusterStorage.AzureConnectionStringKey, "of a storage account");
                silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(azure));
                break;
            default:
                throw new AosValidationException($"{ClusteringKey} is '{configuration[ClusteringKey]}'; use 'localhost', 'redis' or 'azure'.") { Field = ClusteringKey };
        }

        var addressText = configuration[AdvertisedAddressKey] is { Length: > 0 } text ? text : "127.0.0.1";
        if (!IPAddress.TryParse(addressText, out var address))
        {
            throw new AosValidationException($"{AdvertisedAddressKey} is '{addressText}'; give the IP address the other nodes reach this one at.") { Field = AdvertisedAddressKey };
        }

        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        return silo.ConfigureEndpoints(address, siloPort, gatewayPort, listenOnAnyHostAddress: false);
    }

    /// <summary>Registers the bus transport configuration chooses, before the embedded one (which is registered only if none is).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration.</param>
    /// <exception cref="AosValidationException">The choice is unknown.</exception>
    public static void AddAosBusTransport(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        switch (configuration[TransportKey] is { Length: > 0 } value ? value.Trim().ToLowerInvariant() : "sqlite")
        {
            case "sqlite":
                return;
            case "nats":
                services.AddAosNatsTransport(options =>
                {
                    configuration.GetSection(NatsMessageTransportOptions.SectionName).Bind(options);
                    if (options.Cluster is null && configuration[ClusteringKey] is { Length: > 0 } clustering && !clustering.Trim().Equals("localhost", StringComparison.OrdinalIgnoreCase))
                    {
                        // The nodes of one Orleans cluster take over each other's messages.
                        options.Cluster = BucketSafe(configuration["Aos:ClusterId"] is { Length: > 0 } id ? id : new AosOptions().ClusterId);
                    }
                });
                return;
            default:
                throw new AosValidationException($"{TransportKey} is '{configuration[TransportKey]}'; use 'sqlite' or 'nats'.") { Field = TransportKey };
        }
    }

    private static string BucketSafe(string name) =>
        string.Concat(name.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_'));

    private static string Required(IConfiguration configuration, string key, string example) =>
        configuration[key] is { Length: > 0 } value
            ? value
            : throw new AosValidationException($"{key} is required when {ClusteringKey} is '{configuration[ClusteringKey]}': set it to a connection string {example}.") { Field = key };
}
