using Aos.Conversations;
using Aos.Postgres.Hosting;
using Aos.Postgres.Kernel;
using Aos.Postgres.Storage;
using Aos.Registry;
using Aos.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL implementations of the kernel's own stores, for a cluster whose nodes share one database.</summary>
public static class PostgresKernelServiceCollectionExtensions
{
    /// <summary>
    /// Registers the PostgreSQL agent directory, agent journal, outbox, processed-message log and conversation store as the kernel's
    /// <see cref="IAgentDirectory"/>, <see cref="IAgentJournal"/>, <see cref="IAgentOutbox"/>, <see cref="IProcessedMessageLog"/> and
    /// <see cref="IConversationStore"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Call it <b>before</b> <c>AddAosSqliteStorage</c> (or anything else that registers these contracts with <c>TryAdd</c>): the stores are
    /// registered with plain <c>AddSingleton</c>, so the SQLite defaults then see them and add nothing. Called after, the PostgreSQL stores
    /// still win a single resolution (the last registration does), but the SQLite ones stay registered beside them.
    /// </para>
    /// <para>
    /// The options are the same <see cref="PostgresStorageOptions"/> as <c>AddAosPostgresStorage</c>'s (section
    /// <c>Aos:Storage:Postgres</c>), validated at host start; the kernel's tables are created in <see cref="PostgresStorageOptions.Schema"/>
    /// on first use. The stores share one connection pool. The <see cref="TimeProvider"/> is taken from the container, or the system clock.
    /// Calling this again only adds <paramref name="configure"/>.
    /// </para>
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the connection string and schema; <see langword="null"/> to use the options as configured elsewhere.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAosPostgresKernelStores(this IServiceCollection services, Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PostgresStorageOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresStorageOptions>, PostgresStorageOptionsValidator>());
        if (services.Any(static d => d.ServiceType == typeof(PostgresAgentDirectory)))
        {
            return services;
        }

        services.TryAddSingleton(static sp => new PostgresDatabase(
            sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value,
            (ILogger?)sp.GetService<ILogger<PostgresDatabase>>() ?? NullLogger.Instance,
            sp.GetService<Aos.Reliability.DependencyPipelines>()));
        services.AddSingleton(static sp => new PostgresAgentDirectory(sp.GetRequiredService<PostgresDatabase>(), TimeOf(sp)));
        services.AddSingleton<IAgentDirectory>(static sp => sp.GetRequiredService<PostgresAgentDirectory>());
        services.AddSingleton<IAgentJournal>(static sp => new PostgresAgentJournal(sp.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IAgentOutbox>(static sp => new PostgresAgentOutbox(sp.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IProcessedMessageLog>(static sp => new PostgresProcessedMessageLog(sp.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IConversationStore>(static sp => new PostgresConversationStore(sp.GetRequiredService<PostgresDatabase>(), TimeOf(sp)));
        return services;
    }

    private static TimeProvider TimeOf(IServiceProvider services) => services.GetService<TimeProvider>() ?? TimeProvider.System;
}
