using Aos.Postgres.Hosting;
using Aos.Postgres.Storage;
using Aos.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL backends of AOS in a service collection.</summary>
public static class AosPostgresServiceCollectionExtensions
{
    /// <summary>Registers <see cref="PostgresStorageProvider"/> as a singleton and as an <see cref="IStorageProvider"/>.</summary>
    /// <remarks>
    /// The options are validated at host start and errors name the option (<c>Aos:Storage:Postgres:ConnectionString</c>). The
    /// <see cref="TimeProvider"/> is taken from the container, or the system clock. Calling this again only adds <paramref name="configure"/>:
    /// the provider is registered once. No connection is made until a store is first used.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the connection string and schema.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAosPostgresStorage(this IServiceCollection services, Action<PostgresStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PostgresStorageOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresStorageOptions>, PostgresStorageOptionsValidator>());
        if (services.Any(static d => d.ServiceType == typeof(PostgresStorageProvider)))
        {
            return services;
        }

        services.AddSingleton(static sp => new PostgresStorageProvider(
            sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILogger<PostgresStorageProvider>>(),
            sp.GetService<Aos.Reliability.DependencyPipelines>()));
        services.AddSingleton<IStorageProvider>(static sp => sp.GetRequiredService<PostgresStorageProvider>());
        return services;
    }
}
