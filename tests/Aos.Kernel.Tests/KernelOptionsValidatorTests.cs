using Aos.Kernel.Approvals;
using Aos.Kernel.StateMachines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aos.Kernel.Tests;

public sealed class KernelOptionsValidatorTests
{
    public static TheoryData<string, Action<KernelOptions>> BadOptions => new()
    {
        { "Aos:Kernel:IdleTimeout", o => o.IdleTimeout = TimeSpan.Zero },
        { "Aos:Kernel:TurnTimeout", o => o.TurnTimeout = TimeSpan.FromSeconds(-1) },
        { "Aos:Kernel:DefaultRequestTimeout", o => o.DefaultRequestTimeout = TimeSpan.Zero },
        { "Aos:Kernel:RetryBaseDelay", o => o.RetryBaseDelay = TimeSpan.FromMilliseconds(-1) },
        { "Aos:Kernel:MaxAttempts", o => o.MaxAttempts = 0 },
        { "Aos:Kernel:HistoryLimit", o => o.HistoryLimit = 0 },
        { "Aos:Kernel:MemoryLimit", o => o.MemoryLimit = -1 },
        { "Aos:Kernel:DecisionLimit", o => o.DecisionLimit = 0 },
        { "Aos:Kernel:GoalLimit", o => o.GoalLimit = 0 },
        { "Aos:Kernel:MaxPayloadBytes", o => o.MaxPayloadBytes = 0 },
    };

    [Theory]
    [InlineData("Aos:StateMachines:Retention")]
    [InlineData("Aos:Approvals:Retention")]
    public void Retention_UnderAMinute_IsRefusedNamingTheSetting(string key)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [key] = "00:00:30" })
            .Build();
        using var services = new ServiceCollection().AddAosKernel(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => key.StartsWith("Aos:StateMachines", StringComparison.Ordinal)
            ? (object)services.GetRequiredService<IOptions<StateMachineOptions>>().Value
            : services.GetRequiredService<IOptions<ApprovalOptions>>().Value);

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("01:59:00", null, false)]
    [InlineData("02:00:00", null, true)]
    [InlineData("00:09:00", "00:05:00", false)]
    [InlineData("00:10:00", "00:05:00", true)]
    public void ApprovalRetention_UnderTwiceTheWorkflowWaitCheck_IsRefusedNamingBoth(string retention, string? waitCheck, bool valid)
    {
        var settings = new Dictionary<string, string?> { ["Aos:Approvals:Retention"] = retention };
        if (waitCheck is not null)
        {
            settings["Aos:Workflows:WaitCheckInterval"] = waitCheck;
        }

        using var services = new ServiceCollection().AddAosKernel(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();

        if (valid)
        {
            Assert.Equal(TimeSpan.Parse(retention, System.Globalization.CultureInfo.InvariantCulture), services.GetRequiredService<IOptions<ApprovalOptions>>().Value.Retention);
            return;
        }

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ApprovalOptions>>().Value);
        Assert.Contains("Aos:Approvals:Retention", error.Message, StringComparison.Ordinal);
        Assert.Contains("Aos:Workflows:WaitCheckInterval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = new KernelOptionsValidator().Validate(null, new KernelOptions());

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_ZeroRetryBaseDelay_Succeeds()
    {
        var result = new KernelOptionsValidator().Validate(null, new KernelOptions { RetryBaseDelay = TimeSpan.Zero });

        Assert.True(result.Succeeded);
    }

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_BadOption_FailsNamingTheOption(string option, Action<KernelOptions> breakIt)
    {
        var options = new KernelOptions();
        breakIt(options);

        var result = new KernelOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith(option + " ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralBadOptions_ReportsEachOne()
    {
        var options = new KernelOptions { MaxAttempts = 0, TurnTimeout = TimeSpan.Zero };

        var result = new KernelOptionsValidator().Validate(null, options);

        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("MaxAttempts", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("TurnTimeout", StringComparison.Ordinal));
    }
}
