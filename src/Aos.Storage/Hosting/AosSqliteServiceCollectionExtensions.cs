using Aos.Conversations;
using Aos.Messaging;
using Aos.Registry;
using Aos.Storage;
using Aos.Storage.Messaging;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded SQLite storage of AOS in a service collection.</summary>
public static class AosSqliteServiceCollectionExtensions
{
    /// <summary>Registers the shared <see cref="SqliteDatabase"/> and the SQLite directory, journal, outbox, processed-message log, conversations and message transport, unless already registered.</summary>
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
        services.TryAddSingleton<IAgentOutbox>(static sp => new SqliteAgentOutbox(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IProcessedMessageLog>(static sp => new SqliteProcessedMessageLog(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IConversationStore>(static sp =>
            new SqliteConversationStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddOptions<MessageBusOptions>();
        services.TryAddSingleton(static sp => new SqliteMessageTransport(
            sp.GetRequiredService<SqliteDatabase>(),
            sp.GetRequiredService<IOptions<MessageBusOptions>>().Value,
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton<IMessageTransport>(static sp => sp.GetRequiredService<SqliteMessageTransport>());
        services.TryAddSingleton<IMessageLedger>(static sp => sp.GetRequiredService<SqliteMessageTransport>());
        services.TryAddSingleton<IMessageRetention>(static sp => sp.GetRequiredService<SqliteMessageTransport>());
        return services;
    }

    /// <summary>Registers the shared <see cref="SqliteDatabase"/> singleton, opened from the default <see cref="SqliteStorageOptions"/>.</summary>
    /// <remarks>
    /// Call it as often as needed: each <paramref name="configure"/> is applied in order to the same options, and every component
    /// configured with the same data directory gets the same database. Invalid options fail at host start, naming the option.
    /// It also applies AOS's settings to the SQLite library of the process (<see cref="SqliteEngine"/>), which SQLite accepts only
    /// before the process opens its first connection.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the database, or <see langword="null"/> to leave the options as configured elsewhere.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAosSqlite(this IServiceCollection services, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        // Before any service opens a connection: SQLite takes its settings only before its first one (SqliteEngine).
        SqliteEngine.Configure();
        var options = services.AddOptions<SqliteStorageOptions>();
        if (configure is not null)
        {
            options.Configure(configure).ValidateOnStart();
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStorageOptions>, SqliteStorageOptionsValidator>());
        services.TryAddSingleton(static sp => new SqliteDatabaseRegistry(sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton(static sp =>
            sp.GetRequiredService<SqliteDatabaseRegistry>().GetOrOpen(sp.GetRequiredService<IOptions<SqliteStorageOptions>>().Value));
        return services;
    }
}
