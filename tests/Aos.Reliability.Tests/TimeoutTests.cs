namespace Aos.Reliability.Tests;

public sealed class TimeoutTests
{
    [Fact]
    public async Task AttemptOutlasting30Seconds_IsCancelled_RetriedAndReported()
    {
        using var pipelines = new Pipelines(o => o.Defaults.CircuitBreaker.Enabled = false);
        var tries = 0;
        var started = pipelines.Time.GetUtcNow();

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => pipelines.RunAsync("mcp:slow", async token =>
        {
            tries++;
            await Task.Delay(TimeSpan.FromHours(1), pipelines.Time, token);
            return 0;
        }, TimeSpan.FromMilliseconds(100)));

        Assert.Equal(4, tries);
        Assert.Equal("mcp:slow", error.Dependency);
        Assert.False(error.CircuitOpen);
        Assert.Contains("did not answer within 00:00:30 on any of 4 tries", error.Message, StringComparison.Ordinal);
        Assert.True(pipelines.Time.GetUtcNow() - started >= TimeSpan.FromSeconds(120.7), "Four 30-second attempts and three delays passed on the clock.");
    }

    [Fact]
    public async Task AttemptWithinItsTimeout_Completes()
    {
        using var pipelines = new Pipelines(o => o.Defaults.AttemptTimeout = TimeSpan.FromSeconds(5));

        var result = await pipelines.RunAsync("model:quick", async token =>
        {
            await Task.Delay(TimeSpan.FromSeconds(4), pipelines.Time, token);
            return 7;
        }, TimeSpan.FromMilliseconds(100));

        Assert.Equal(7, result);
    }

    [Fact]
    public async Task CallTimedByItsClient_OutlastingTheAttemptTimeout_IsNotCancelledByThePipeline()
    {
        using var pipelines = new Pipelines(o => o.Defaults.AttemptTimeout = TimeSpan.FromSeconds(5));
        var cancelled = false;

        var result = await pipelines.CompleteAsync(pipelines.Subject.ExecuteTimedByClientAsync(
            "transport:quick",
            async token =>
            {
                await Task.Delay(TimeSpan.FromSeconds(8), pipelines.Time, CancellationToken.None);
                cancelled = token.IsCancellationRequested;
                return 7;
            },
            "the quick transport",
            "Check it.",
            TestContext.Current.CancellationToken));

        Assert.Equal(7, result);
        Assert.False(cancelled);
        Assert.Equal(TimeSpan.FromSeconds(5), pipelines.Subject.GetOptions("transport:quick").AttemptTimeout);
    }

    [Fact]
    public async Task SameDependency_CalledWithoutTheClientTimingIt_IsStillCancelledAtTheAttemptTimeout()
    {
        using var pipelines = new Pipelines(o =>
        {
            o.Defaults.AttemptTimeout = TimeSpan.FromSeconds(5);
            o.Defaults.Retry.MaxRetryAttempts = 0;
        });
        var timed = pipelines.Subject.ExecuteTimedByClientAsync("transport:quick", _ => ValueTask.FromResult(1), "the quick transport", "Check it.", TestContext.Current.CancellationToken);
        Assert.Equal(1, await timed);

        var call = pipelines.Subject.ExecuteAsync(
            "transport:quick",
            async token =>
            {
                await Task.Delay(TimeSpan.FromSeconds(8), pipelines.Time, token);
                return 7;
            },
            "the quick transport",
            "Check it.",
            TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => pipelines.CompleteAsync(call));
        Assert.IsType<Polly.Timeout.TimeoutRejectedException>(error.InnerException);
    }
}
