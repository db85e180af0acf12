using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aos.Reliability.Tests;

public sealed class ReliabilityRegistrationTests
{
    [Fact]
    public void AddAosReliability_BindsDefaultsAndPerDependencyOverrides()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aos:Reliability:Dependencies:storage:postgres:Retry:MaxRetryAttempts"] = "2",
            ["Aos:Reliability:Dependencies:model:gpt:AttemptTimeout"] = "00:02:00",
            ["Aos:Reliability:LoadShedding:Capacity"] = "500",
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddAosReliability(configuration).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<ReliabilityOptions>>().Value;

        Assert.Equal(3, options.Defaults.Retry.MaxRetryAttempts);
        Assert.Equal(2, options.For("storage:postgres").Retry.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMinutes(2), options.For("model:gpt").AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.For("mcp:files").AttemptTimeout);
        Assert.Equal(500, options.LoadShedding.Capacity);
        Assert.NotNull(services.GetRequiredService<DependencyPipelines>().GetPipeline("storage:postgres"));
        Assert.NotNull(services.GetRequiredService<LoadShedder>());
        Assert.NotNull(services.GetRequiredService<PrincipalRateLimiter>());
    }

    [Fact]
    public void Defaults_AreTheSeeds()
    {
        var options = new ReliabilityOptions();

        Assert.Equal(3, options.Defaults.Retry.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.Defaults.Retry.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Defaults.Retry.MaxDelay);
        Assert.True(options.Defaults.Retry.UseJitter);
        Assert.Equal(5, options.Defaults.CircuitBreaker.MinimumThroughput);
        Assert.Equal(1.0, options.Defaults.CircuitBreaker.FailureRatio);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Defaults.CircuitBreaker.SamplingDuration);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Defaults.CircuitBreaker.BreakDuration);
        Assert.Equal(TimeSpan.FromHours(24), options.Idempotency.TimeToLive);
        Assert.Equal(100, options.RateLimits.Default.PermitsPerSecond);
        Assert.Equal(200, options.RateLimits.Default.Burst);
    }

    [Fact]
    public void InvalidOptions_FailValidation_NamingTheOption()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aos:Reliability:Dependencies:model:gpt:CircuitBreaker:FailureRatio"] = "1.5",
            ["Aos:Reliability:Defaults:Retry:MaxRetryAttempts"] = "-1",
            ["Aos:Reliability:LoadShedding:WarningThreshold"] = "0.99",
            ["Aos:Reliability:RateLimits:Default:Burst"] = "0",
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddAosReliability(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ReliabilityOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("Aos:Reliability:Dependencies:model:gpt:CircuitBreaker:FailureRatio", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Aos:Reliability:Defaults:Retry:MaxRetryAttempts", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Aos:Reliability:LoadShedding:WarningThreshold", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Aos:Reliability:RateLimits:Default:Burst", StringComparison.Ordinal));
    }
}
