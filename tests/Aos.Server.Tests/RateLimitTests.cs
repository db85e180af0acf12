namespace Aos.Server.Tests;

/// <summary>The per-principal rate limit of the HTTP API (Aos:Reliability:RateLimits) on a real server.</summary>
public sealed class RateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PrincipalOverItsLimit_Gets429ProblemWithRetryAfter()
    {
        await using var server = await ServerHost.StartAsync(["--Aos:Reliability:RateLimits:Default:PermitsPerSecond=1", "--Aos:Reliability:RateLimits:Default:Burst=2"]);

        await (await server.Http.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        await (await server.Http.GetAsync("/v1/agents", Ct)).AssertJsonAsync(200);
        using var refused = await server.Http.GetAsync("/v1/agents", Ct);

        var problem = await refused.AssertProblemAsync(429);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal(1, problem["retryAfterSeconds"]!.GetValue<int>());
        Assert.Contains("requests per second (bursts up to 2)", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // Health is not under /v1, so it is never limited.
        using var health = await server.Anonymous.GetAsync("/healthz", Ct);
        Assert.True(health.IsSuccessStatusCode);
    }
}
