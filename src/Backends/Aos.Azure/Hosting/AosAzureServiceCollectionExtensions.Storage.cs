using Aos.Azure.Hosting;
using Aos.Azure.Resilience;
using Aos.Azure.Storage;
using Aos.Reliability;
using Aos.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class AosAzureServiceCollectionExtensions
{
    /// <summary>Registers <see cref="AzureStorageProvider"/> as a singleton and as the <see cref="IStorageProvider"/>.</summary>
    /// <remarks>
    /// The options are validated at host start and errors name the option (<c>Aos:Storage:Azure:ConnectionString</c>, …). <see cref="TimeProvider"/>
    /// and logging are taken from the container, and so are the reliability service's <see cref="DependencyPipelines"/> (<c>AddAosReliability</c>)
    /// when registered: its <c>storage:azure</c> and <c>storage:cosmos</c> pipelines retry and break, and the <see cref="AzureErrorClassifier"/>
    /// registered here sorts the SDKs' errors; without them the provider runs its own pipelines on the defaults. The provider connects on first use. Calling this again configures the same provider; it
    /// is registered as <see cref="IStorageProvider"/> once.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the provider: the storage account's connection string, optionally Cosmos DB's, and the name prefix.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAosAzureStorage(this IServiceCollection services, Action<AzureStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AzureStorageOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureStorageOptions>, AzureStorageOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IErrorClassifier, AzureErrorClassifier>(static _ => AzureErrorClassifier.Instance));
        if (services.Any(d => d.ServiceType == typeof(AzureStorageProvider)))
        {
            return services;
        }

        services.AddSingleton(static sp => new AzureStorageProvider(
            sp.GetRequiredService<IOptions<AzureStorageOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<AzureStorageProvider>>(),
            sp.GetService<DependencyPipelines>()));
        services.AddSingleton<IStorageProvider>(static sp => sp.GetRequiredService<AzureStorageProvider>());
        return services;
    }
}
