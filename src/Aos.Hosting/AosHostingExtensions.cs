using System.Net;
using System.Net.Sockets;
using Aos.Governance;
using Aos.Governance.Audit;
using Aos.Governance.Decisions;
using Aos.Governance.SystemCalls;
using Aos.Kernel.SystemCalls;
using Aos.Reliability.SystemCalls;
using Aos.Governance.Policies;
using Aos.Kernel;
using Aos.Storage;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace Aos.Hosting;

/// <summary>Hosts AOS in a .NET application, the way <c>UseOrleans</c> hosts Orleans.</summary>
public static class AosHostingExtensions
{
    /// <summary>Gets the configuration section the embedded SQLite storage options are bound from.</summary>
    public const string SqliteSectionName = "Aos:Storage:Sqlite";

    /// <summary>
    /// Adds an AOS node to the host: one Orleans silo with localhost clustering, the kernel, and embedded SQLite
    /// storage in the data directory.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Changes the options after they are read from configuration.</param>
    /// <returns>The AOS builder, to add agent types.</returns>
    public static IAosBuilder AddAos(this IHostApplicationBuilder builder, Action<AosOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new AosOptions();
        builder.Configuration.GetSection(AosOptions.SectionName).Bind(options);
        configure?.Invoke(options);
        var dataDirectory = options.GetDataDirectoryPath();
        builder.Services.Configure<AosOptions>(o =>
        {
            builder.Configuration.GetSection(AosOptions.SectionName).Bind(o);
            configure?.Invoke(o);
        });

        builder.UseOrleans(silo =>
        {
            silo.UseAosClustering(builder.Configuration, options, FreePort);
            silo.AddAosSilo(builder.Configuration, dataDirectory);
        });
        return new AosBuilder(builder.Services, builder.Configuration);
    }

    /// <summary>
    /// Adds the AOS kernel and embedded SQLite storage to a silo whose clustering is configured elsewhere (a test
    /// cluster, or a cluster on Redis or Azure Storage).
    /// </summary>
    /// <remarks>Agent state is stored in Orleans' binary serialization format, which tolerates added and removed fields.</remarks>
    /// <param name="silo">The silo builder.</param>
    /// <param name="configuration">The configuration to bind options from.</param>
    /// <param name="dataDirectory">The directory of the SQLite database; silos of one cluster on one machine may share it.</param>
    /// <returns>The silo builder, for chaining.</returns>
    public static ISiloBuilder AddAosSilo(this ISiloBuilder silo, IConfiguration configuration, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        void Sqlite(SqliteStorageOptions options)
        {
            configuration.GetSection(SqliteSectionName).Bind(options);
            options.DataDirectory = dataDirectory;
        }

        AosClustering.AddAosBusTransport(silo.Services, configuration);
        if (string.Equals(configuration[AosClusterStorage.StorageKey]?.Trim(), "postgres", StringComparison.OrdinalIgnoreCase))
        {
            // Registered before the embedded stores, which are added only where none is: the registry, journals, outboxes,
            // processed-message logs and conversations then live in the shared database with the grain state.
            silo.Services.AddAosPostgresKernelStores(configuration.GetSection(Aos.Postgres.Storage.PostgresStorageOptions.SectionName).Bind);

            // Keys, users and token-signing keys are shared too, unless configured elsewhere: every node then accepts every node's
            // credentials and sees every revocation.
            silo.Services.PostConfigure<StorageOptions>(o => o.Stores.TryAdd(Aos.Security.AosIdentityStore.Name, new NamedStoreOptions { Backend = "postgres" }));

            // So are risks and decision records.
            silo.Services.PostConfigure<StorageOptions>(o => o.Stores.TryAdd(GovernanceStores.Documents, new NamedStoreOptions { Backend = "postgres" }));

            // And idempotency entries, so that a repeat reaching another node gets the first result.
            silo.Services.PostConfigure<StorageOptions>(o => o.Stores.TryAdd(Aos.Reliability.ReliabilityStores.Documents, new NamedStoreOptions { Backend = "postgres" }));
        }

        silo.Services.AddAosSqliteStorage(Sqlite);
        AddConfiguredStorageBackends(silo.Services, configuration);
        silo.Services.AddAosStorage(configuration);
        silo.AddAosClusterStorage(configuration, dataDirectory);
        silo.Services.AddAosKernel(configuration);

        // Agents' decisions reach the decision log; stored policies are installed and re-read on every node.
        silo.Services.AddAosGovernance();

        // Resilience per outbound dependency, the idempotency store, load shedding and per-principal rate limits.
        silo.Services.AddAosReliability(configuration);
        silo.Services.Configure<PolicyReloadOptions>(configuration.GetSection(PolicyReloadOptions.SectionName).Bind);
        silo.Services.Configure<DecisionLogOptions>(configuration.GetSection(DecisionLogOptions.SectionName).Bind);

        // Each node keeps its own audit log file (not in the shared store): the chain is a single writer's.
        silo.Services.AddAosAuditLog(o => ConfigureAuditLog(o, configuration, dataDirectory));

        // Every system call: traced, audited with its outcome (so refusals are recorded too), authorized, decided by policy, then
        // admitted against the node's capacity by priority.
        silo.Services.Configure<SystemCallGovernanceOptions>(configuration.GetSection(SystemCallGovernanceOptions.SectionName).Bind);
        silo.Services.AddAosSystemCalls(pipeline => pipeline.UseTelemetry().UseAudit().UseAuthorization().UsePolicy().UseResilience());
        return silo;
    }

    /// <summary>Adds <c>aos.json</c> from the working directory and from the data directory, under environment variables.</summary>
    /// <param name="configuration">The configuration to add to.</param>
    /// <param name="dataDirectory">The data directory, or <see langword="null"/> to read it from configuration.</param>
    /// <returns>The configuration, for chaining.</returns>
    public static IConfigurationManager AddAosConfiguration(this IConfigurationManager configuration, string? dataDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "aos.json"), optional: true, reloadOnChange: false);
        var data = dataDirectory ?? configuration[$"{AosOptions.SectionName}:{nameof(AosOptions.DataDirectory)}"] ?? new AosOptions().DataDirectory;
        configuration.AddJsonFile(Path.Combine(Path.GetFullPath(data), "aos.json"), optional: true, reloadOnChange: false);

        // Environment variables (AOS__SECTION__KEY) override the files.
        configuration.AddEnvironmentVariables();
        return configuration;
    }

    /// <summary>Gets the configuration section the audit log's options are bound from.</summary>
    public const string AuditSectionName = "Aos:Governance:Audit";

    /// <summary>Gets the audit log's database path under a data directory: <c>governance/audit.db</c>.</summary>
    /// <param name="dataDirectory">The data directory.</param>
    /// <returns>The path.</returns>
    public static string AuditDatabasePath(string dataDirectory) => Path.Combine(dataDirectory, "governance", "audit.db");

    /// <summary>Gets the directory of the audit log's checkpoint signing keys under a data directory: <c>governance/audit-keys</c>.</summary>
    /// <param name="dataDirectory">The data directory.</param>
    /// <returns>The path.</returns>
    public static string AuditKeyDirectory(string dataDirectory) => Path.Combine(dataDirectory, "governance", "audit-keys");

    private static void ConfigureAuditLog(AuditLogOptions options, IConfiguration configuration, string dataDirectory)
    {
        configuration.GetSection(AuditSectionName).Bind(options);
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            options.DatabasePath = AuditDatabasePath(dataDirectory);
        }

        if (string.IsNullOrWhiteSpace(options.KeyDirectory))
        {
            options.KeyDirectory = AuditKeyDirectory(dataDirectory);
        }

        if (string.IsNullOrWhiteSpace(options.ArchiveDirectory))
        {
            options.ArchiveDirectory = Path.Combine(dataDirectory, "governance", "audit-archive");
        }
    }

    /// <summary>Registers the storage backends whose connection is configured: PostgreSQL (<c>Aos:Storage:Postgres</c>) and Azure Storage (<c>Aos:Storage:Azure</c>).</summary>
    private static void AddConfiguredStorageBackends(IServiceCollection services, IConfiguration configuration)
    {
        var postgres = configuration.GetSection(Aos.Postgres.Storage.PostgresStorageOptions.SectionName);
        if (!string.IsNullOrWhiteSpace(postgres["ConnectionString"]))
        {
            services.AddAosPostgresStorage(postgres.Bind);
        }

        var azure = configuration.GetSection(Aos.Azure.Storage.AzureStorageOptions.SectionName);
        if (!string.IsNullOrWhiteSpace(azure["ConnectionString"]))
        {
            services.AddAosAzureStorage(azure.Bind);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
