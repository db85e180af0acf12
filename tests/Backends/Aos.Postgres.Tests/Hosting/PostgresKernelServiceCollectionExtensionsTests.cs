using Aos.Conversations;
using Aos.Postgres.Kernel;
using Aos.Postgres.Storage;
using Aos.Registry;
using Aos.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Aos.Postgres.Tests.Hosting;

/// <summary>Checks the registration of the PostgreSQL kernel stores; none of these tests needs a server (the stores connect on first use).</summary>
public sealed class PostgresKernelServiceCollectionExtensionsTests
{
    private const string ConnectionString = "Host=127.0.0.1;Username=aos;Password=x;Database=aos";

    [Fact]
    public async Task AddAosPostgresKernelStores_BeforeTryAddDefaults_TheyWinAndTheDefaultsAreNotAdded()
    {
        var services = new ServiceCollection();

        services.AddAosPostgresKernelStores(o => o.ConnectionString = ConnectionString);
        services.TryAddSingleton<IAgentDirectory>(_ => throw new InvalidOperationException("The default must not be registered."));
        services.TryAddSingleton<IAgentJournal>(_ => throw new InvalidOperationException("The default must not be registered."));
        services.TryAddSingleton<IAgentOutbox>(_ => throw new InvalidOperationException("The default must not be registered."));
        services.TryAddSingleton<IProcessedMessageLog>(_ => throw new InvalidOperationException("The default must not be registered."));
        services.TryAddSingleton<IConversationStore>(_ => throw new InvalidOperationException("The default must not be registered."));

        await using var provider = services.BuildServiceProvider();
        Assert.IsType<PostgresAgentDirectory>(provider.GetRequiredService<IAgentDirectory>());
        Assert.IsType<PostgresAgentJournal>(provider.GetRequiredService<IAgentJournal>());
        Assert.IsType<PostgresAgentOutbox>(provider.GetRequiredService<IAgentOutbox>());
        Assert.IsType<PostgresProcessedMessageLog>(provider.GetRequiredService<IProcessedMessageLog>());
        Assert.IsType<PostgresConversationStore>(provider.GetRequiredService<IConversationStore>());
        Assert.Single(services, d => d.ServiceType == typeof(IAgentDirectory));
        Assert.Single(services, d => d.ServiceType == typeof(PostgresDatabase));
    }

    [Fact]
    public async Task AddAosPostgresKernelStores_Twice_RegistersOnceAndAppliesBothConfigurations()
    {
        var services = new ServiceCollection();

        services.AddAosPostgresKernelStores(o => o.ConnectionString = ConnectionString);
        services.AddAosPostgresKernelStores(o => o.Schema = "node_1");

        await using var provider = services.BuildServiceProvider();
        Assert.Single(services, d => d.ServiceType == typeof(IAgentJournal));
        Assert.Equal("node_1", provider.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.Schema);
        Assert.Equal("\"node_1\"", provider.GetRequiredService<PostgresDatabase>().Schema);
    }

    [Fact]
    public async Task AddAosPostgresKernelStores_WithoutConnectionString_FailsNamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddAosPostgresKernelStores();

        await using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IAgentDirectory>());
        Assert.Contains("Aos:Storage:Postgres:ConnectionString", error.Message);
    }
}
