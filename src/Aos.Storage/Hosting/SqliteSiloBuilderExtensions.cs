using Aos.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Orleans.Hosting;

/// <summary>Configures an Orleans silo to keep grain state and reminders in the embedded SQLite database.</summary>
/// <remarks>
/// Without a configure delegate, a provider uses the shared database registered by
/// <see cref="AosSqliteServiceCollectionExtensions.AddAosSqliteStorage"/>. With one, it uses the database of the data directory it
/// names; providers that name the same directory still share one database and one writer.
/// </remarks>
public static class SqliteSiloBuilderExtensions
{
    /// <summary>Adds SQLite grain storage as the silo's default grain storage.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Configures the database the provider uses, or <see langword="null"/> to use the shared one.</param>
    /// <returns>The silo builder, for chaining.</returns>
    public static ISiloBuilder AddSqliteGrainStorageAsDefault(this ISiloBuilder builder, Action<SqliteStorageOptions>? configure = null) =>
        builder.AddSqliteGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    /// <summary>Adds a named SQLite grain storage provider.</summary>
    /// <remarks>The provider's serializer is configured through named <see cref="SqliteGrainStorageOptions"/>; by default it is the one Orleans registers.</remarks>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider's name, as used in <c>[PersistentState("state", "name")]</c>.</param>
    /// <param name="configure">Configures the database the provider uses, or <see langword="null"/> to use the shared one.</param>
    /// <returns>The silo builder, for chaining.</returns>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var services = builder.Services;
        var databaseOptions = AddDatabaseOptions(services, $"Orleans.GrainStorage.{name}", configure);
        services.AddOptions<SqliteGrainStorageOptions>(name);
        services.TryAddEnumerable(ServiceDescriptor.Transient<
            IPostConfigureOptions<SqliteGrainStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<SqliteGrainStorageOptions>>());
        services.AddGrainStorage(name, (sp, providerName) => new SqliteGrainStorage(
            providerName,
            SqliteDatabaseRegistry.Resolve(sp, databaseOptions),
            sp.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(providerName),
            sp.GetService<ILogger<SqliteGrainStorage>>(),
            sp.GetService<TimeProvider>()));
        return builder;
    }

    /// <summary>Keeps the silo's reminders in SQLite, and enables reminders.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Configures the database the reminders use, or <see langword="null"/> to use the shared one.</param>
    /// <returns>The silo builder, for chaining.</returns>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddReminders();
        var services = builder.Services;
        var databaseOptions = AddDatabaseOptions(services, "Orleans.Reminders", configure);
        services.AddSingleton(sp => new SqliteReminderTable(SqliteDatabaseRegistry.Resolve(sp, databaseOptions)));
        services.AddSingleton<IReminderTable>(static sp => sp.GetRequiredService<SqliteReminderTable>());
        return builder;
    }

    private static string? AddDatabaseOptions(IServiceCollection services, string name, Action<SqliteStorageOptions>? configure)
    {
        services.AddAosSqlite();
        if (configure is null)
        {
            return null;
        }

        services.AddOptions<SqliteStorageOptions>(name).Configure(configure).ValidateOnStart();
        return name;
    }
}
