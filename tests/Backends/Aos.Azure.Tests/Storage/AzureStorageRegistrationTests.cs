using Aos.Azure.Resilience;
using Aos.Azure.Storage;
using Aos.Azure.Tests.Resilience;
using Aos.Reliability;
using Aos.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aos.Azure.Tests.Storage;

/// <summary>Checks the options and registration of the Azure storage provider; none of these tests needs a service (the provider connects on first use).</summary>
public sealed class AzureStorageRegistrationTests
{
    [Fact]
    public async Task AddAosAzureStorage_RegistersOneProvider_AsItselfAndAsIStorageProvider()
    {
        var services = new ServiceCollection();

        services.AddAosAzureStorage(o => o.ConnectionString = "UseDevelopmentStorage=true");
        services.AddAosAzureStorage(o => o.Prefix = "aosprod");

        await using var provider = services.BuildServiceProvider();
        var storage = provider.GetRequiredService<AzureStorageProvider>();
        Assert.Same(storage, provider.GetRequiredService<IStorageProvider>());
        Assert.Single(services, d => d.ServiceType == typeof(IStorageProvider));
        Assert.Single(services, d => d.ServiceType == typeof(AzureStorageProvider));
        Assert.Equal("aosprod", provider.GetRequiredService<IOptions<AzureStorageOptions>>().Value.Prefix);
    }

    [Fact]
    public async Task AddAosAzureStorage_WithTheReliabilityService_RunsThroughItsStorageAzurePipeline_AndRegistersTheClassifierOnce()
    {
        var services = new ServiceCollection();
        services.AddAosReliability();
        services.Configure<ReliabilityOptions>(o => o.SetDependency("storage:azure", new DependencyOptions
        {
            Retry = { MaxRetryAttempts = 1, BaseDelay = TimeSpan.FromMilliseconds(1) },
            CircuitBreaker = { MinimumThroughput = 2 },
        }));
        services.AddAosAzureStorage(o => o.ConnectionString = ResilientAccount.Unreachable);
        services.AddAosAzureStorage(o => o.Prefix = "aosprod");

        await using var provider = services.BuildServiceProvider();
        var pipelines = provider.GetRequiredService<DependencyPipelines>();
        var storage = provider.GetRequiredService<AzureStorageProvider>();

        Assert.Single(provider.GetServices<IErrorClassifier>().OfType<AzureErrorClassifier>());
        Assert.Equal(ErrorClass.Transient, pipelines.Classify(new global::Azure.RequestFailedException(503, "busy"), "storage:azure"));
        await Assert.ThrowsAsync<StorageUnavailableException>(async () => await storage.CheckHealthAsync(TestContext.Current.CancellationToken));
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Open, pipelines.GetCircuitState("storage:azure"));
        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await storage.GetTableStore("docs").GetAsync("p", "r", TestContext.Current.CancellationToken));
        Assert.Contains("circuit breaker of storage:azure", refused.Message);
    }

    [Fact]
    public async Task AddAosAzureStorage_InvalidOptions_FailWithTheOptionsNamed_AndNoSecretEchoed()
    {
        var services = new ServiceCollection();
        services.AddAosAzureStorage(o =>
        {
            o.ConnectionString = "AccountKey=top-secret";
            o.CosmosConnectionString = "AccountKey=cosmos-secret";
            o.Prefix = "aos-";
        });

        await using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AzureStorageOptions>>().Value);
        Assert.Contains("Aos:Storage:Azure:ConnectionString", error.Message);
        Assert.Contains("Aos:Storage:Azure:CosmosConnectionString", error.Message);
        Assert.Contains("Aos:Storage:Azure:Prefix", error.Message);
        Assert.DoesNotContain("top-secret", error.Message);
        Assert.DoesNotContain("cosmos-secret", error.Message);
    }

    [Fact]
    public void Options_Defaults_NeedOnlyTheConnectionString()
    {
        var options = new AzureStorageOptions();

        Assert.Single(options.Validate());
        Assert.Equal("aos", options.Prefix);
        Assert.Null(options.CosmosConnectionString);

        options.ConnectionString = "UseDevelopmentStorage=true";
        Assert.Empty(options.Validate());
        options.CosmosConnectionString = "AccountEndpoint=https://aos.documents.azure.com:443/;AccountKey=c2VjcmV0";
        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1aos")]
    [InlineData("Aos")]
    [InlineData("aos_x")]
    [InlineData("abcdefghijk")]
    public void Options_InvalidPrefix_IsNamed(string prefix)
    {
        var options = new AzureStorageOptions { ConnectionString = "UseDevelopmentStorage=true", Prefix = prefix };

        Assert.Contains(options.Validate(), p => p.StartsWith("Aos:Storage:Azure:Prefix", StringComparison.Ordinal));
    }
}
