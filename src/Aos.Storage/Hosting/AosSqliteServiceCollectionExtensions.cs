using Aos.Registry;
using Aos.Storage;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded SQLite storage of AOS in a service collection.</summary>
public static class AosSqliteServiceCollectionExtensions
{
    /// <summary>Registers the shared <see cref="SqliteDatabase"/> and the SQLite <see cref="IAgentDirectory"/> and <see cref="IAgentJournal"/>, unless already registered.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the database; <see cref="SqliteStorageOptions.DataDirectory"/> is required.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAosSqliteStorage(this IServiceCollection services, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddAosSqlite(configure);
        services.TryAddSingleton<IAgentDirectory>(static sp =>
            new SqliteAgentDirectory(sp.GetRequiredService<SqliteDatabase>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton<IAgentJournal>(static sp => new SqliteAgentJournal(sp.GetRequiredService<SqliteDatabase>()));
        return services;
    }

    /// <summary>Registers the shared <see cref="SqliteDatabase"/> singleton, opened from the default <see cref="SqliteStorageOptions"/>.</summary>
    /// <remarks>
    /// Call it as often as needed: each <paramref name="configure"/> is applied in order to the same options, and every component
    /// configured with the same data directory gets the same database. Invalid options fail at host start, naming the option.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the database, or <see langword="null"/> to leave the options as configured elsewhere.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAosSqlite(this IServiceCollection services, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SqliteStorageOptions>();
        if (configure is not null)
        {
            options.Configure(configure).ValidateOnStart();
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStorageOptions>, SqliteStorageOptionsValidator>());
        services.TryAddSingleton(static sp => new SqliteDatabaseRegistry(sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(static sp =>
            sp.GetRequiredService<SqliteDatabaseRegistry>().GetOrOpen(sp.GetRequiredService<IOptions<SqliteStorageOptions>>().Value));
        return services;
    }
}
