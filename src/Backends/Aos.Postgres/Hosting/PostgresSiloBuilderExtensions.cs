using Aos.Postgres.Hosting;
using Aos.Postgres.Orleans;
using Aos.Postgres.Storage;
using Aos.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Configuration.Overrides;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Orleans.Hosting;

/// <summary>Configures an Orleans silo to keep grain state and reminders in PostgreSQL.</summary>
/// <remarks>
/// Without a configure delegate, a provider uses the <see cref="PostgresStorageOptions"/> of the storage backend
/// (<see cref="AosPostgresServiceCollectionExtensions.AddAosPostgresStorage"/>, bound from <c>Aos:Storage:Postgres</c>). With one, it
/// uses options of its own. Either way the options are validated when the host starts, and the tables are created or migrated before
/// grains activate, so a wrong connection string or an unreachable server stops the silo at start with an error that says what to check.
/// Rows are keyed by <see cref="ClusterOptions.ServiceId"/>.
/// </remarks>
public static class PostgresSiloBuilderExtensions
{
    /// <summary>Adds PostgreSQL grain storage as the silo's default grain storage.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Configures the connection string and schema, or <see langword="null"/> to use the storage backend's.</param>
    /// <returns>The silo builder, for chaining.</returns>
    public static ISiloBuilder AddPostgresGrainStorageAsDefault(this ISiloBuilder builder, Action<PostgresStorageOptions>? configure = null) =>
        builder.AddPostgresGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    /// <summary>Adds a named PostgreSQL grain storage provider.</summary>
    /// <remarks>The provider's serializer is configured through named <see cref="PostgresGrainStorageOptions"/>; by default it is the one Orleans registers.</remarks>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider's name, as used in <c>[PersistentState("state", "name")]</c>.</param>
    /// <param name="configure">Configures the connection string and schema, or <see langword="null"/> to use the storage backend's.</param>
    /// <returns>The silo builder, for chaining.</returns>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder builder, string name, Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var services = builder.Services;
        var optionsName = AddStorageOptions(services, $"Orleans.GrainStorage.{name}", configure);
        services.AddOptions<PostgresGrainStorageOptions>(name);
        services.TryAddEnumerable(ServiceDescriptor.Transient<
            IPostConfigureOptions<PostgresGrainStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<PostgresGrainStorageOptions>>());
        services.AddGrainStorage(name, (sp, providerName) =>
        {
            var storage = new PostgresGrainStorage(
                providerName,
                sp.GetProviderClusterOptions(providerName).Value.ServiceId,
                sp.GetRequiredService<IOptionsMonitor<PostgresStorageOptions>>().Get(optionsName),
                sp.GetRequiredService<IOptionsMonitor<PostgresGrainStorageOptions>>().Get(providerName),
                sp.GetService<ILogger<PostgresGrainStorage>>(),
                sp.GetService<Aos.Reliability.DependencyPipelines>(),
                sp.GetService<TimeProvider>());
            if (sp.GetService<IAgentJournal>() is { } journal && sp.GetService<IAgentOutbox>() is { } outbox && sp.GetService<IProcessedMessageLog>() is { } processed)
            {
                storage.UseTurnPartners(journal, outbox, processed);
            }

            return storage;
        });
        return builder;
    }

    /// <summary>Keeps the silo's reminders in PostgreSQL, and enables reminders.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Configures the connection string and schema, or <see langword="null"/> to use the storage backend's.</param>
    /// <returns>The silo builder, for chaining.</returns>
    public static ISiloBuilder UsePostgresReminderService(this ISiloBuilder builder, Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddReminders();
        var services = builder.Services;
        var optionsName = AddStorageOptions(services, "Orleans.Reminders", configure);
        services.AddSingleton(sp => new PostgresReminderTable(
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            sp.GetRequiredService<IOptionsMonitor<PostgresStorageOptions>>().Get(optionsName),
            sp.GetService<ILogger<PostgresReminderTable>>(),
            sp.GetService<Aos.Reliability.DependencyPipelines>()));
        services.AddSingleton<IReminderTable>(static sp => sp.GetRequiredService<PostgresReminderTable>());
        return builder;
    }

    private static string AddStorageOptions(IServiceCollection services, string name, Action<PostgresStorageOptions>? configure)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresStorageOptions>, PostgresStorageOptionsValidator>());
        if (configure is null)
        {
            services.AddOptions<PostgresStorageOptions>().ValidateOnStart();
            return Options.DefaultName;
        }

        services.AddOptions<PostgresStorageOptions>(name).Configure(configure).ValidateOnStart();
        return name;
    }
}
