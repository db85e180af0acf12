using Aos.Storage;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the storage service of AOS: the named-store catalog over the registered backends.</summary>
public static class AosStorageServiceCollectionExtensions
{
    /// <summary>Registers the <see cref="StorageCatalog"/>, its options (bound from <c>Aos:Storage</c> when a configuration is given) and the embedded SQLite backend.</summary>
    /// <remarks>
    /// The SQLite backend needs the shared database (<see cref="AosSqliteServiceCollectionExtensions.AddAosSqlite"/>). Other backends
    /// register themselves as <see cref="IStorageProvider"/> (<c>AddAosPostgresStorage</c>, <c>AddAosAzureStorage</c>). Options naming an
    /// unregistered backend or an invalid store fail the host's start.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration to bind <see cref="StorageOptions"/> from; <see langword="null"/> to configure them in code.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAosStorage(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<StorageOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(StorageOptions.SectionName));
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        if (!services.Any(d => d.ServiceType == typeof(SqliteStorageProvider)))
        {
            services.AddSingleton(static sp => new SqliteStorageProvider(sp.GetRequiredService<SqliteDatabase>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
            services.AddSingleton<IStorageProvider>(static sp => sp.GetRequiredService<SqliteStorageProvider>());
        }

        services.TryAddSingleton<StorageCatalog>();
        services.TryAddSingleton(static sp => new SqliteBackup(
            sp.GetRequiredService<SqliteDatabase>(), sp.GetService<SqliteStorageProvider>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}
