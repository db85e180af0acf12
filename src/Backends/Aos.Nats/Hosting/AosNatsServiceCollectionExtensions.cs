using Aos.Messaging;
using Aos.Nats.Hosting;
using Aos.Nats.Messaging;
using Aos.Nats.Resilience;
using Aos.Reliability;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the NATS JetStream backends of AOS in a service collection.</summary>
public static class AosNatsServiceCollectionExtensions
{
    /// <summary>Registers <see cref="NatsMessageTransport"/> as the <see cref="IMessageTransport"/> and <see cref="IMessageLedger"/> of the bus, replacing any registered before.</summary>
    /// <remarks>
    /// With <see cref="NatsMessageTransportOptions.Cluster"/> set, a hosted <see cref="NatsLeaseService"/> keeps the node's lease and takes over
    /// the messages of lost nodes. The options are validated at host start and errors name the option. <see cref="MessageBusOptions"/> (inbox capacity) and
    /// <see cref="TimeProvider"/> are taken from the container, and so are the reliability service's <see cref="DependencyPipelines"/>
    /// (<c>AddAosReliability</c>) when registered: its <c>transport:nats</c> pipeline retries and breaks, and the <see cref="NatsErrorClassifier"/>
    /// registered here sorts NATS.Net's errors; without them the transport runs its own pipeline on the defaults. Transports registered later with <c>TryAdd</c> (the embedded
    /// SQLite one) do not replace this one.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the transport: server URL, stream prefix, replicas.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAosNatsTransport(this IServiceCollection services, Action<NatsMessageTransportOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<NatsMessageTransportOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NatsMessageTransportOptions>, NatsMessageTransportOptionsValidator>());
        services.AddOptions<MessageBusOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IErrorClassifier, NatsErrorClassifier>(static _ => NatsErrorClassifier.Instance));
        services.TryAddSingleton(static sp => new NatsMessageTransport(
            sp.GetRequiredService<IOptions<NatsMessageTransportOptions>>().Value,
            sp.GetRequiredService<IOptions<MessageBusOptions>>().Value,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILogger<NatsMessageTransport>>(),
            sp.GetService<DependencyPipelines>()));
        services.RemoveAll<IMessageTransport>();
        services.RemoveAll<IMessageLedger>();
        services.RemoveAll<IMessageRetention>();
        services.AddSingleton<IMessageTransport>(static sp => sp.GetRequiredService<NatsMessageTransport>());
        services.AddSingleton<IMessageLedger>(static sp => sp.GetRequiredService<NatsMessageTransport>());
        services.AddSingleton<IMessageRetention>(static sp => sp.GetRequiredService<NatsMessageTransport>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, NatsLeaseService>(static sp => new NatsLeaseService(
            sp.GetRequiredService<NatsMessageTransport>(),
            sp.GetRequiredService<IOptions<NatsMessageTransportOptions>>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILogger<NatsLeaseService>>())));
        return services;
    }
}
