using Aos.Kernel;
using Aos.Postgres.Orleans;
using Aos.Postgres.Storage;
using Aos.Storage.Sqlite;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace Aos.Hosting;

/// <summary>Chooses where a silo keeps grain state and reminders: embedded SQLite, PostgreSQL, Redis or Azure Table Storage.</summary>
/// <remarks>
/// <para>
/// <c>Aos:Cluster:Storage</c> names the choice: <c>sqlite</c> (the default; the data directory's database, for one machine),
/// <c>postgres</c> (AOS' own provider; connection from <c>Aos:Storage:Postgres</c>), <c>redis</c> (Orleans' providers; connection from
/// <c>Aos:Cluster:Redis:ConnectionString</c>) or <c>azure</c> (Orleans' Azure Table providers; connection from
/// <c>Aos:Storage:Azure:ConnectionString</c>). Every choice registers the grain storage named <see cref="AosStorageNames.GrainStorage"/>
/// with Orleans' binary serializer, and the reminder table.
/// </para>
/// <para>
/// An unknown choice or a missing connection string fails here, with an error naming the key; a PostgreSQL connection string is validated
/// when the host starts. Rows are keyed by <see cref="ClusterOptions.ServiceId"/> on every shared backend, so clusters may share a server.
/// </para>
/// </remarks>
public static class AosClusterStorage
{
    /// <summary>Gets the configuration key that chooses the backend.</summary>
    public const string StorageKey = "Aos:Cluster:Storage";

    /// <summary>Gets the section whose <c>ClearedStateRetention</c> and <c>ClearedStateSweepInterval</c> configure the SQLite and PostgreSQL grain storage.</summary>
    public const string ClusterSectionName = "Aos:Cluster";

    /// <summary>Gets the configuration key of the Redis connection string (StackExchange.Redis format, e.g. <c>127.0.0.1:6379</c>).</summary>
    public const string RedisConnectionStringKey = "Aos:Cluster:Redis:ConnectionString";

    /// <summary>Gets the configuration key of the Azure Storage connection string.</summary>
    public const string AzureConnectionStringKey = "Aos:Storage:Azure:ConnectionString";

    /// <summary>Gets the choices <see cref="StorageKey"/> accepts.</summary>
    public static IReadOnlyList<string> Choices { get; } = ["sqlite", "postgres", "redis", "azure"];

    /// <summary>Adds the grain storage and the reminder table that configuration chooses.</summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="configuration">The configuration to read the choice and connection strings from.</param>
    /// <param name="dataDirectory">The directory of the SQLite database, used when the choice is <c>sqlite</c>.</param>
    /// <returns>The silo builder, for chaining.</returns>
    /// <exception cref="AosValidationException">The choice is unknown, or its connection string is missing or malformed.</exception>
    public static ISiloBuilder AddAosClusterStorage(this ISiloBuilder silo, IConfiguration configuration, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var choice = configuration[StorageKey] is { Length: > 0 } value ? value.Trim().ToLowerInvariant() : "sqlite";
        switch (choice)
        {
            case "sqlite":
                ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
                return AddSqlite(silo, configuration, dataDirectory);
            case "postgres":
                return AddPostgres(silo, configuration);
            case "redis":
                return AddRedis(silo, Required(configuration, RedisConnectionStringKey, "such as '127.0.0.1:6379'"));
            case "azure":
                return AddAzure(silo, Required(configuration, AzureConnectionStringKey, "of a storage account ('UseDevelopmentStorage=true' for Azurite)"));
            default:
                throw new AosValidationException(
                    $"{StorageKey} is '{configuration[StorageKey]}'; use one of {string.Join(", ", Choices.Select(c => $"'{c}'"))}.") { Field = StorageKey };
        }
    }

    private static ISiloBuilder AddSqlite(ISiloBuilder silo, IConfiguration configuration, string dataDirectory)
    {
        void Sqlite(SqliteStorageOptions options)
        {
            configuration.GetSection(AosHostingExtensions.SqliteSectionName).Bind(options);
            options.DataDirectory = dataDirectory;
        }

        silo.AddSqliteGrainStorage(AosStorageNames.GrainStorage, Sqlite);
        silo.Services.AddOptions<SqliteGrainStorageOptions>(AosStorageNames.GrainStorage).Configure<Serializer>(UseBinary).Bind(configuration.GetSection(ClusterSectionName));
        return silo.UseSqliteReminderService(Sqlite);
    }

    private static ISiloBuilder AddPostgres(ISiloBuilder silo, IConfiguration configuration)
    {
        void Postgres(PostgresStorageOptions options) => configuration.GetSection(PostgresStorageOptions.SectionName).Bind(options);

        silo.AddPostgresGrainStorage(AosStorageNames.GrainStorage, Postgres);
        silo.Services.AddOptions<PostgresGrainStorageOptions>(AosStorageNames.GrainStorage).Configure<Serializer>(UseBinary).Bind(configuration.GetSection(ClusterSectionName));
        return silo.UsePostgresReminderService(Postgres);
    }

    private static ISiloBuilder AddRedis(ISiloBuilder silo, string connectionString)
    {
        ConfigurationOptions Parse()
        {
            try
            {
                return ConfigurationOptions.Parse(connectionString);
            }
            catch (ArgumentException e)
            {
                throw new AosValidationException($"{RedisConnectionStringKey} is not a valid StackExchange.Redis configuration string ({e.Message}); use the form '127.0.0.1:6379'.", e)
                {
                    Field = RedisConnectionStringKey,
                };
            }
        }

        var redis = Parse();
        silo.AddRedisGrainStorage(AosStorageNames.GrainStorage, options => options.Configure<Serializer>((o, serializer) =>
        {
            o.ConfigurationOptions = redis.Clone();
            o.DeleteStateOnClear = true;
            UseBinary(o, serializer);
        }));
        return silo.UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());
    }

    private static ISiloBuilder AddAzure(ISiloBuilder silo, string connectionString)
    {
        TableServiceClient client;
        try
        {
            client = new TableServiceClient(connectionString);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new AosValidationException($"{AzureConnectionStringKey} is not a valid Azure Storage connection string; use the one of a storage account ('UseDevelopmentStorage=true' for Azurite).", e)
            {
                Field = AzureConnectionStringKey,
            };
        }

        silo.AddAzureTableGrainStorage(AosStorageNames.GrainStorage, options => options.Configure<Serializer>((o, serializer) =>
        {
            o.TableServiceClient = client;
            o.DeleteStateOnClear = true;
            UseBinary(o, serializer);
        }));
        return silo.UseAzureTableReminderService(o => o.TableServiceClient = client);
    }

    // A cleared state (a forgotten run, instance or approval, a deleted agent) leaves nothing on Redis and Azure Table: their ETags
    // are random or server-issued, never reused, so deleting the record cannot let a stale activation's ETag match a later one. The
    // SQLite and PostgreSQL providers keep a version for ClearedStateRetention instead, since their versions count up from 1.

    // Agent state is written on every turn; its types are [GenerateSerializer] with stable ids, so Orleans' binary format is version
    // tolerant and far cheaper than the default JSON serializer. Every backend stores it the same way.
    private static void UseBinary(IStorageProviderSerializerOptions options, Serializer serializer) =>
        options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);

    private static string Required(IConfiguration configuration, string key, string example) =>
        configuration[key] is { Length: > 0 } value
            ? value
            : throw new AosValidationException($"{key} is required when {StorageKey} is '{configuration[StorageKey]}': set it to a connection string {example}.") { Field = key };
}
