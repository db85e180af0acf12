using Aos.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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

    private sealed class Silo(IConfiguration configuration) : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = configuration;
    }
}
