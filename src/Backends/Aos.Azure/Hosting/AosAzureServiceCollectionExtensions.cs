using Aos.Azure.Hosting;
using Aos.Azure.Messaging;
using Aos.Azure.Resilience;
using Aos.Reliability;
using Aos.Messaging;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Azure backends of AOS in a service collection.</summary>
public static partial class AosAzureServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ServiceBusMessageTransport"/> as the <see cref="IMessageTransport"/>, <see cref="IMessageLedger"/> and
    /// <see cref="IMessageRetention"/> of the bus, replacing any registered before.
    /// </summary>
    /// <remarks>
    /// The options are validated at host start and errors name the option. <see cref="MessageBusOptions"/> (inbox capacity) and
    /// <see cref="TimeProvider"/> are taken from the container, and so are the reliability service's <see cref="DependencyPipelines"/>
    /// (<c>AddAosReliability</c>) when registered: its <c>transport:servicebus</c> pipeline retries and breaks, and the <see cref="AzureErrorClassifier"/>
    /// registered here sorts the SDK's errors; without them the transport runs its own pipeline on the defaults. Transports registered later with <c>TryAdd</c> (the embedded
    /// SQLite one) do not replace this one. The transport connects on first use.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the transport: Service Bus connection string and queue, Table Storage connection string and table.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAosServiceBusTransport(this IServiceCollection services, Action<ServiceBusMessageTransportOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ServiceBusMessageTransportOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceBusMessageTransportOptions>, ServiceBusMessageTransportOptionsValidator>());
        services.AddOptions<MessageBusOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IErrorClassifier, AzureErrorClassifier>(static _ => AzureErrorClassifier.Instance));
        services.TryAddSingleton(static sp => new ServiceBusMessageTransport(
            sp.GetRequiredService<IOptions<ServiceBusMessageTransportOptions>>().Value,
            sp.GetRequiredService<IOptions<MessageBusOptions>>().Value,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILogger<ServiceBusMessageTransport>>(),
            sp.GetService<DependencyPipelines>()));
        services.RemoveAll<IMessageTransport>();
        services.RemoveAll<IMessageLedger>();
        services.RemoveAll<IMessageRetention>();
        services.AddSingleton<IMessageTransport>(static sp => sp.GetRequiredService<ServiceBusMessageTransport>());
        services.AddSingleton<IMessageLedger>(static sp => sp.GetRequiredService<ServiceBusMessageTransport>());
        services.AddSingleton<IMessageRetention>(static sp => sp.GetRequiredService<ServiceBusMessageTransport>());
        return services;
    }
}
