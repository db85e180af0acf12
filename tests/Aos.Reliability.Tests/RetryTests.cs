using System.Net;
using Aos.Storage;

namespace Aos.Reliability.Tests;

public sealed class RetryTests
{
    [Fact]
    public async Task Defaults_RetryTransientThreeTimes_After100_200_400Milliseconds()
    {
        using var pipelines = new Pipelines();
        var tries = 0;

        await Assert.ThrowsAsync<StorageUnavailableException>(() => pipelines.RunAsync<int>("storage:test", _ =>
        {
            tries++;
            throw new StorageUnavailableException("down");
        }, TimeSpan.FromMilliseconds(10)));

        Assert.Equal(4, tries);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400)], pipelines.RetryDelays);
    }

    [Fact]
    public async Task Defaults_SucceedOnARetry_ReturnTheResult()
    {
        using var pipelines = new Pipelines();
        var tries = 0;

        var result = await pipelines.RunAsync("model:test", _ => ++tries < 3 ? throw new HttpRequestException("busy", null, HttpStatusCode.ServiceUnavailable) : ValueTask.FromResult(42));

        Assert.Equal(42, result);
        Assert.Equal(3, tries);
    }

    [Theory]
    [InlineData(0.0, 0.75)]
    [InlineData(0.999999, 1.25)]
    public async Task Jitter_SpreadsEachDelayByAQuarter(double random, double factor)
    {
        using var pipelines = new Pipelines(random: random);

        await Assert.ThrowsAsync<TimeoutException>(() => pipelines.RunAsync<int>("mcp:test", _ => throw new TimeoutException(), TimeSpan.FromMilliseconds(10)));

        var expected = new[] { 100, 200, 400 }.Select(ms => ms * factor).ToArray();
        Assert.Equal(expected.Length, pipelines.RetryDelays.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.InRange(pipelines.RetryDelays[i].TotalMilliseconds, expected[i] - 0.01, expected[i] + 0.01);
        }
    }

    [Fact]
    public async Task Delays_AreCappedAtMaxDelay()
    {
        using var pipelines = new Pipelines(o =>
        {
            o.Defaults.Retry.BaseDelay = TimeSpan.FromSeconds(20);
            o.Defaults.Retry.MaxDelay = TimeSpan.FromSeconds(60);
            o.Defaults.Retry.MaxRetryAttempts = 4;
            o.Defaults.CircuitBreaker.Enabled = false;
        }, random: 0.999999);

        await Assert.ThrowsAsync<TimeoutException>(() => pipelines.RunAsync<int>("mcp:test", _ => throw new TimeoutException(), TimeSpan.FromSeconds(1)));

        // 20 × 1.25 = 25, 40 × 1.25 = 50, then 80 and 160 capped (jitter included) at 60.
        Assert.Equal([25, 50, 60, 60], pipelines.RetryDelays.Select(d => Math.Round(d.TotalSeconds)).ToArray());
    }

    public static TheoryData<Exception> NotRetried => new()
    {
        new AosValidationException("bad input") { Field = "x" },
        new ArgumentException("bad argument"),
        new StorageConflictException("changed"),
        new AgentNotFoundException("gone"),
        new HttpRequestException("bad request", null, HttpStatusCode.BadRequest),
        new HttpRequestException("forbidden", null, HttpStatusCode.Forbidden),
        new InvalidOperationException("a bug"),
    };

    [Theory]
    [MemberData(nameof(NotRetried))]
    public async Task PermanentAndValidationErrors_AreNeverRetried(Exception error)
    {
        using var pipelines = new Pipelines();
        var tries = 0;

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => pipelines.RunAsync<int>("model:test", _ =>
        {
            tries++;
            throw error;
        }));

        Assert.Same(error, thrown);
        Assert.Equal(1, tries);
        Assert.Empty(pipelines.RetryDelays);
    }

    [Fact]
    public async Task BackendClassifier_IsAskedBeforeTheDefault()
    {
        using var pipelines = new Pipelines(classifiers: new BackendClassifier());
        var tries = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => pipelines.RunAsync<int>("storage:custom", _ =>
        {
            tries++;
            throw new InvalidOperationException("backend busy");
        }));

        Assert.Equal(4, tries);
        Assert.Equal(ErrorClass.Permanent, pipelines.Subject.Classify(new InvalidOperationException("other"), "model:x"));
    }

    [Fact]
    public async Task DependencyOverride_ReplacesTheDefaults()
    {
        using var pipelines = new Pipelines(o => o.SetDependency("transport:nats", new DependencyOptions { Retry = { MaxRetryAttempts = 1 } }));
        var tries = 0;

        await Assert.ThrowsAsync<IOException>(() => pipelines.RunAsync<int>("transport:nats", _ =>
        {
            tries++;
            throw new IOException("reset");
        }));

        Assert.Equal(2, tries);
    }

    [Fact]
    public async Task RetryAfter_NamedByTheFailure_ReplacesTheBackoff()
    {
        using var pipelines = new Pipelines(classifiers: new ThrottleClassifier());
        var tries = 0;

        var result = await pipelines.RunAsync(
            "storage:custom",
            _ => ++tries switch
            {
                1 => throw new ThrottledException(TimeSpan.FromSeconds(7)),
                2 => throw new ThrottledException(null),
                _ => ValueTask.FromResult(42),
            },
            TimeSpan.FromMilliseconds(100));

        Assert.Equal(42, result);
        Assert.Equal([TimeSpan.FromSeconds(7), TimeSpan.FromMilliseconds(200)], pipelines.RetryDelays);
    }

    [Fact]
    public async Task RetryAfter_LongerThanMaxDelay_WaitsMaxDelay()
    {
        using var pipelines = new Pipelines(classifiers: new ThrottleClassifier());
        var tries = 0;

        var result = await pipelines.RunAsync("storage:custom", _ => ++tries == 1 ? throw new ThrottledException(TimeSpan.FromHours(3)) : ValueTask.FromResult(1), TimeSpan.FromSeconds(1));

        Assert.Equal(1, result);
        Assert.Equal([pipelines.Options.Defaults.Retry.MaxDelay], pipelines.RetryDelays);
    }

    private sealed class ThrottledException(TimeSpan? retryAfter) : Exception("throttled")
    {
        public TimeSpan? RetryAfter { get; } = retryAfter;
    }

    private sealed class ThrottleClassifier : IErrorClassifier
    {
        public ErrorClass? Classify(Exception exception, string dependency) => exception is ThrottledException ? ErrorClass.Transient : null;

        public TimeSpan? GetRetryAfter(Exception exception, string dependency) => (exception as ThrottledException)?.RetryAfter;
    }

    private sealed class BackendClassifier : IErrorClassifier
    {
        public ErrorClass? Classify(Exception exception, string dependency) =>
            dependency == "storage:custom" && exception is InvalidOperationException { Message: "backend busy" } ? ErrorClass.Transient : null;
    }
}
