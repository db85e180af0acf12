using Aos.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Hosting;

namespace Aos.Redis.Tests.Hosting;

/// <summary>Checks that a wrong <c>Aos:Cluster</c> configuration fails at registration with an error naming the key.</summary>
public sealed class AosClusterStorageTests
{
    [Theory]
    [InlineData("mongo", AosClusterStorage.StorageKey)]
    [InlineData("redis", AosClusterStorage.RedisConnectionStringKey)]
    [InlineData("azure", AosClusterStorage.AzureConnectionStringKey)]
    public void AddAosClusterStorage_UnknownChoiceOrMissingConnectionString_ThrowsNamingTheKey(string choice, string key)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [AosClusterStorage.StorageKey] = choice }).Build();

        var error = Assert.Throws<AosValidationException>(() => new Silo(configuration).AddAosClusterStorage(configuration, Path.GetTempPath()));

        Assert.Equal(key, error.Field);
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void AddAosClusterStorage_RedisOrAzure_DeleteAClearedStatesRecord()
    {
        var redis = Configure(new() { [AosClusterStorage.StorageKey] = "redis", [AosClusterStorage.RedisConnectionStringKey] = "127.0.0.1:6379" });
        var azure = Configure(new() { [AosClusterStorage.StorageKey] = "azure", [AosClusterStorage.AzureConnectionStringKey] = "UseDevelopmentStorage=true" });

        Assert.True(redis.GetRequiredService<IOptionsMonitor<global::Orleans.Persistence.RedisStorageOptions>>().Get(Aos.Kernel.AosStorageNames.GrainStorage).DeleteStateOnClear);
        Assert.True(azure.GetRequiredService<IOptionsMonitor<global::Orleans.Configuration.AzureTableStorageOptions>>().Get(Aos.Kernel.AosStorageNames.GrainStorage).DeleteStateOnClear);
    }

    [Fact]
    public void AddAosClusterStorage_Sqlite_TakesTheClearedStateRetentionFromAosCluster()
    {
        var sqlite = Configure(new() { ["Aos:Cluster:ClearedStateRetention"] = "2.00:00:00", ["Aos:Cluster:ClearedStateSweepInterval"] = "00:10:00" });

        var options = sqlite.GetRequiredService<IOptionsMonitor<Aos.Storage.Sqlite.SqliteGrainStorageOptions>>().Get(Aos.Kernel.AosStorageNames.GrainStorage);

        Assert.Equal(TimeSpan.FromDays(2), options.ClearedStateRetention);
        Assert.Equal(TimeSpan.FromMinutes(10), options.ClearedStateSweepInterval);
    }

    private static ServiceProvider Configure(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var silo = new Silo(configuration);
        silo.Services.AddSerializer();
        silo.AddAosClusterStorage(configuration, Path.GetTempPath());
        return silo.Services.BuildServiceProvider();
    }

    private sealed class Silo(IConfiguration configuration) : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = configuration;
    }
}
